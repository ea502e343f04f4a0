import Foundation

/// Which web origins may call the tracking API from a browser (`TAILOR_TRACKING_ORIGINS`).
///
/// The write key is public (it is in every page's snippet), so the list does not protect the data; it keeps
/// other sites from sending events with a copied snippet. Requests without an `Origin` header (servers,
/// Segment's libraries) are never concerned.
public enum TrackingOrigins: Sendable, Equatable {
    /// Any origin (the default).
    case any
    /// Only these origins, as browsers send them: `scheme://host[:port]`, lowercased.
    case only(Set<String>)

    /// A setting that cannot be read, naming the entry (origins are not personal data).
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var entry: String
        public var description: String {
            "TAILOR_TRACKING_ORIGINS: \"\(entry)\" is not an origin; write scheme://host[:port] (https://shop.example), comma-separated, or * for any"
        }
    }

    /// Reads a comma-separated list; empty or `*` means any origin.
    /// - Throws: ``Invalid`` naming the first entry that is not `http(s)://host[:port]`.
    public init(parsing text: String) throws(Invalid) {
        let entries = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if entries.isEmpty || entries == ["*"] {
            self = .any
            return
        }
        var origins: Set<String> = []
        for entry in entries {
            let origin = entry.lowercased().hasSuffix("/") ? String(entry.lowercased().dropLast()) : entry.lowercased()
            guard Self.isOrigin(origin) else { throw Invalid(entry: entry) }
            origins.insert(origin)
        }
        self = .only(origins)
    }

    /// `http://` or `https://`, a host, an optional port, nothing after.
    static func isOrigin(_ text: String) -> Bool {
        let rest: Substring
        if text.hasPrefix("https://") { rest = text.dropFirst(8) } else if text.hasPrefix("http://") { rest = text.dropFirst(7) } else { return false }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard let host = parts.first, !host.isEmpty, parts.count <= 2,
              host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else { return false }
        if parts.count == 2 { return UInt16(parts[1]).map { $0 > 0 } ?? false }
        return true
    }

    /// The `Access-Control-Allow-Origin` value for a request's `Origin`, or nil when that origin may not call.
    func allowed(_ origin: String) -> String? {
        switch self {
        case .any: return "*"
        case .only(let origins): return origins.contains(origin.lowercased()) ? origin : nil
        }
    }
}
