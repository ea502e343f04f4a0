import Foundation

/// A person's name as traits spell it: `name`, else `first_name`/`firstName` and `last_name`/`lastName`
/// joined. Used to show a profile and to find it by name.
public enum PersonName {
    static let fullNames = ["name", "full_name", "fullName"]
    static let firstNames = ["first_name", "firstName", "firstname"]
    static let lastNames = ["last_name", "lastName", "lastname"]

    /// The name the traits hold, nil when they hold none.
    public static func of(_ traits: JSONObject) -> String? {
        func string(_ keys: [String]) -> String? {
            for key in keys { if case .string(let s)? = traits[key], !s.isEmpty { return s } }
            return nil
        }
        if let full = string(fullNames) { return full }
        let parts = [string(firstNames), string(lastNames)].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// Whether the traits' name holds `query` (case- and diacritic-insensitively); an empty query matches nothing.
    public static func matches(_ traits: JSONObject, _ query: String) -> Bool {
        let needle = fold(query)
        guard !needle.isEmpty, let name = of(traits) else { return false }
        return fold(name).contains(needle)
    }

    /// Lower-case letters without marks, single spaces: "  José  Díaz" → "jose diaz".
    public static func fold(_ text: String) -> String {
        var out = ""
        var space = false
        for scalar in text.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.isWhitespace {
                space = !out.isEmpty
                continue
            }
            // Combining marks (the accents of a decomposed letter) are dropped.
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            if space { out.append(" "); space = false }
            out.unicodeScalars.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return out
    }
}
