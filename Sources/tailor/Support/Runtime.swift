import Foundation
import Logging
import Synchronization
import TailorCore
import TailorDatabases
import TailorEngine
import TailorStore

/// Opens what a command needs: the database's ports (migrated), the clock, and the links of the mail Tailor
/// sends (signed with a key derived from the master key, read once here).
struct Runtime {
    let settings: Settings
    let stores: Stores
    let clock: any WallClock
    let links: TrackingLinks
    /// The keyed pseudonyms of `--pseudonymize` exports (from the master key).
    let pseudonymizer: Pseudonymizer
    /// Which traits and properties are personal (`TAILOR_PERSONAL_FIELDS` beside Tailor's list).
    let personalData: PersonalDataPolicy

    static func open(_ settings: Settings, migrate: Bool = true) async throws -> Runtime {
        let (key, created) = try MasterKeySource.load(base64: settings.encryptionKey, keyFile: settings.keyFile)
        if created { Console.note("created encryption key file \(settings.keyFile) (mode 0600); back it up: without it personal data cannot be read") }
        let personalData = PersonalDataPolicy.default.adding(settings.personalFields)
        let stores = try await DatabaseOpener.open(url: settings.databaseURL, cipher: FieldCipher(masterKey: key), policy: personalData)
        if migrate {
            let applied = try await stores.migrate()
            if !applied.isEmpty { Console.note("applied migrations: \(applied.joined(separator: ", "))") }
        }
        // Segments are evaluated at the configured clock (TAILOR_NOW when set).
        stores.segments.useSegmentClock(settings.clock)
        stores.installEventSteps()
        return Runtime(settings: settings, stores: stores, clock: settings.clock,
                       links: TrackingLinks(baseURL: settings.publicURL, signer: LinkSigner(masterKey: key)),
                       pseudonymizer: Pseudonymizer(masterKey: key), personalData: personalData)
    }

    func close() async {
        try? await stores.close()
    }
}

/// Messages to people at a terminal (stderr), and a progress bar when stderr is a terminal.
enum Console {
    static let isTerminal = isatty(STDERR_FILENO) == 1

    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// A progress bar that redraws in place on a terminal and stays silent otherwise.
    final class Progress: Sendable {
        let label: String
        /// When it was last drawn: redraws are limited to ten a second.
        let lastDraw = Mutex(Date.distantPast)

        init(_ label: String) { self.label = label }

        func update(_ done: Int, _ total: Int) {
            guard Console.isTerminal else { return }
            let now = Date()
            let draw = lastDraw.withLock { last in
                guard done >= total || now.timeIntervalSince(last) > 0.1 else { return false }
                last = now
                return true
            }
            guard draw else { return }
            let width = 30
            let fraction = total > 0 ? Double(done) / Double(total) : 1
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) \(bar) \(done)/\(total)".utf8))
            if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
}
