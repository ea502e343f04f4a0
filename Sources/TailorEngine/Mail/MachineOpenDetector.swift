/// Tells opens and clicks made by machines from those made by people, from the request's user agent and
/// address. Machine opens are still recorded (`Email Opened` with `machine_open: true` and
/// `machine_source`), so that a segment can count only human opens.
///
/// Rules (docs/MAIL.md, "Machine opens"), first match wins:
/// - **no user agent** → `no_user_agent` (real mail clients always send one);
/// - **Apple Mail Privacy Protection**: Apple's proxies fetch every image of a message when it arrives,
///   with the bare user agent `Mozilla/5.0` and from Apple's networks (17.0.0.0/8, 2620:149::/32) →
///   `apple_mpp` when either holds;
/// - **security scanners and link checkers** (Barracuda, Mimecast, Proofpoint, Microsoft Defender Safe
///   Links, Symantec/MessageLabs, Trend Micro, Cisco IronPort, Forcepoint), **bots and HTTP libraries**
///   (`bot`, `crawler`, `spider`, `HeadlessChrome`, `python-requests`, `curl/`, `Go-http-client`, …) and
///   **link-preview fetchers** (Slack, Facebook, Skype) → `scanner`.
///
/// Image proxies that fetch on a real open (Gmail's `GoogleImageProxy`, Yahoo's) are human opens.
public struct MachineOpenDetector: Sendable {
    /// Lowercased user-agent fragments of scanners, bots and prefetchers.
    public var scannerFragments: [String]

    public init(scannerFragments: [String] = MachineOpenDetector.defaultScannerFragments) {
        self.scannerFragments = scannerFragments
    }

    public static let defaultScannerFragments = [
        "barracuda", "mimecast", "proofpoint", "ppops", "safelinks", "microsoft office protocol discovery", "symantec", "messagelabs",
        "trendmicro", "trend micro", "ironport", "forcepoint", "bot", "crawler", "spider", "headlesschrome", "phantomjs", "python-requests",
        "python-urllib", "aiohttp", "curl/", "wget/", "go-http-client", "java/", "okhttp", "libwww-perl", "slackbot", "slack-imgproxy",
        "facebookexternalhit", "skypeuripreview", "linkpreview",
    ]

    /// Why a request looks like a machine's, or nil for a person's.
    public func machineSource(userAgent: String?, address: String?) -> String? {
        let agent = (userAgent ?? "").trimmingCharacters(in: .whitespaces)
        if agent.isEmpty { return "no_user_agent" }
        if agent == "Mozilla/5.0" || address.map(Self.isAppleNetwork) == true { return "apple_mpp" }
        let lower = agent.lowercased()
        if lower.contains("googleimageproxy") || lower.contains("yahoomailproxy") { return nil }
        if scannerFragments.contains(where: { lower.contains($0) }) { return "scanner" }
        return nil
    }

    /// 17.0.0.0/8 (Apple's IPv4 block) or 2620:149::/32 (Apple's IPv6 block).
    static func isAppleNetwork(_ address: String) -> Bool {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        if trimmed.contains(":") { return trimmed.lowercased().hasPrefix("2620:149:") || trimmed.lowercased().hasPrefix("::ffff:17.") }
        let octets = trimmed.split(separator: ".")
        return octets.count == 4 && octets[0] == "17" && octets.allSatisfy { UInt8($0) != nil }
    }
}
