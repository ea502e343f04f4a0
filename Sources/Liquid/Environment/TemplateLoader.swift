public import Foundation

/// Finds the source of partials for `{% include %}` and `{% render %}`.
///
/// Loaders are called during rendering, possibly from many tasks at once.
public protocol TemplateLoader: Sendable {
    /// The source text of the template `name`, or `nil` when there is none.
    func source(named name: String) throws -> String?
}

/// Templates held in memory, keyed by name (tests, and templates stored in a database).
public struct InMemoryLoader: TemplateLoader {
    public let templates: [String: String]

    public init(_ templates: [String: String]) {
        self.templates = templates
    }

    public func source(named name: String) -> String? {
        templates[name] ?? templates[name + ".liquid"]
    }
}

/// Templates read from files under a directory. `name` may omit the `.liquid` extension.
/// Names that would escape the directory (`..`, absolute paths) are not found.
public struct DirectoryLoader: TemplateLoader {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public func source(named name: String) throws -> String? {
        guard !name.isEmpty, !name.hasPrefix("/"), !name.split(separator: "/").contains("..") else { return nil }
        let candidates = name.hasSuffix(".liquid") ? [name] : [name + ".liquid", name]
        for candidate in candidates {
            let url = directory.appendingPathComponent(candidate)
            if let data = FileManager.default.contents(atPath: url.path) {
                return String(decoding: data, as: UTF8.self)
            }
        }
        return nil
    }
}
