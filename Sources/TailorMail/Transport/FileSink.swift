public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A transport that writes each message as an `.eml` file into a folder: the default when no SMTP
/// server is configured, and a sink for tests.
///
/// Each file is written to a hidden temporary name in the same folder, flushed, and renamed into
/// place, so a reader never sees a partial message and a crash leaves at most a stray temporary file.
/// The envelope is recorded as `Return-Path` and `X-Envelope-To` fields at the top (not covered by
/// a DKIM signature, so prepending them does not break it).
public struct FileSink: MailTransport {
    /// The folder messages go to.
    public let directory: URL
    /// Whether to flush each file to disk before renaming it (slower, survives power loss).
    public var synchronizes: Bool

    /// Makes a sink, creating `directory` if needed.
    /// - Throws: ``MailError`` (``MailError/Code/fileSystem``) if the folder cannot be created.
    public init(directory: URL, synchronizes: Bool = false) throws {
        self.directory = directory
        self.synchronizes = synchronizes
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw MailError(.fileSystem, severity: .permanent, "cannot create the mail folder", underlying: error)
        }
    }

    /// Writes the message to `<date>-<random>.eml`.
    public func send(_ mail: OutgoingMail) async throws -> DeliveryReceipt {
        try mail.envelope.validate()
        var generator = SystemRandomNumberGenerator()
        let stamp = Int64(Date().timeIntervalSince1970 * 1000)
        let name = "\(stamp)-\(hex(generator.next())).eml"
        var bytes: [UInt8] = []
        bytes.reserveCapacity(mail.data.count + 256)
        bytes += Array("Return-Path: <\(mail.envelope.sender)>\r\n".utf8)
        bytes += Array("X-Envelope-To: \(mail.envelope.recipients.joined(separator: ", "))\r\n".utf8)
        bytes += mail.data
        let final = directory.appendingPathComponent(name).path
        let temporary = directory.appendingPathComponent(".\(name).tmp").path
        try writeFile(bytes, to: temporary)
        guard rename(temporary, final) == 0 else {
            let code = errno
            unlink(temporary)
            throw MailError(.fileSystem, severity: .transient, "cannot rename the message file into place (errno \(code))")
        }
        return DeliveryReceipt(accepted: mail.envelope.recipients)
    }

    private func writeFile(_ bytes: [UInt8], to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard descriptor >= 0 else {
            throw MailError(.fileSystem, severity: .transient, "cannot create a message file (errno \(errno))")
        }
        defer { close(descriptor) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let code = errno
                unlink(path)
                throw MailError(.fileSystem, severity: .transient, "cannot write a message file (errno \(code))")
            }
            offset += written
        }
        if synchronizes && fsync(descriptor) != 0 {
            let code = errno
            unlink(path)
            throw MailError(.fileSystem, severity: .transient, "cannot flush a message file (errno \(code))")
        }
    }
}
