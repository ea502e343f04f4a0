import Foundation

/// Locates `shared/data` beside the repository (or `TAILOR_SHARED_DATA`).
enum SharedData {
    static var root: URL {
        if let env = ProcessInfo.processInfo.environment["TAILOR_SHARED_DATA"] { return URL(fileURLWithPath: env) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")
    }

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}
