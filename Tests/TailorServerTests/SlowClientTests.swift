import Foundation
import Hummingbird
import ServiceLifecycle
import Testing
import TailorCore
import TailorEngine
import TailorServer
import TailorStore
import TailorTesting
#if canImport(Glibc)
import Glibc
#endif

/// Clients that start a request and never finish it, over a real socket: each is answered 408 or
/// disconnected in bounded time, and the server keeps answering others.
@Suite("Slow clients", .timeLimit(.minutes(5)))
struct SlowClientTests {
    /// A blocking TCP connection to the loopback port, with a read timeout. Its only state is the
    /// descriptor, which the kernel lets several threads send to and read from.
    final class Connection: @unchecked Sendable {
        let fd: Int32

        init(port: Int) throws {
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
            var timeout = timeval(tv_sec: 30, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(fd) }

        func send(_ text: String) {
            _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
        }

        /// Everything the server sends until it closes the connection; `closed` is false when the read
        /// timed out instead.
        func readToEnd() -> (text: String, closed: Bool) {
            var data = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = recv(fd, &buffer, buffer.count, 0)
                if n < 0 { return (String(decoding: data, as: UTF8.self), false) }
                if n == 0 { return (String(decoding: data, as: UTF8.self), true) }
                data += buffer[0..<n]
            }
        }
    }

    /// Runs `tailor serve`'s application on a free port for the duration of `body`.
    func withServer(_ body: @escaping @Sendable (Int) async throws -> Void) async throws {
        try await TestDatabase.with(.sqlite) { test in
            let port = AsyncStream<Int>.makeStream()
            let settings = ServerSettings(port: 0, keys: APIKeys(writeKeys: [writeKey], adminKeyHashes: []))
            let app = buildApplication(settings: settings, stores: Stores(test.database), ingest: IngestService(events: test.database),
                                       onServerRunning: { port.continuation.yield($0) })
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.runService() }
                var ports = port.stream.makeAsyncIterator()
                let bound = try #require(await ports.next())
                try await body(bound)
                group.cancelAll()
            }
        }
    }

    func blocking<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in DispatchQueue.global().async { continuation.resume(returning: work()) } }
    }

    @Test("a body that stops, or trickles, is answered 408 within the body timeout; an idle connection is closed")
    func slowBodiesAndIdleConnections() async throws {
        try await withServer { port in
            let head = "POST /v1/track HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Authorization: Basic \(Data("\(writeKey):".utf8).base64EncodedString())\r\n"
            let started = ContinuousClock.now
            // Declares more body than it sends.
            let stalled = try Connection(port: port)
            stalled.send(head + "Content-Length: 100\r\n\r\n{\"userId\":")
            // Sends two bytes every 0.3 s, for longer than the body may take.
            let trickle = try Connection(port: port)
            trickle.send(head + "Content-Length: 400\r\n\r\n")
            let trickling = Task.detached {
                for _ in 0..<60 {
                    trickle.send("  ")
                    try? await Task.sleep(for: .milliseconds(300))
                }
            }
            // Opens a connection and says nothing.
            let idle = try Connection(port: port)
            async let stalledAnswer = blocking { stalled.readToEnd() }
            async let trickleAnswer = blocking { trickle.readToEnd() }
            async let idleAnswer = blocking { idle.readToEnd() }
            let (a, b, c) = await (stalledAnswer, trickleAnswer, idleAnswer)
            trickling.cancel()
            #expect(a.text.hasPrefix("HTTP/1.1 408"), "\(a.text.prefix(80))")
            #expect(a.text.contains("request_timeout"))
            #expect(b.text.hasPrefix("HTTP/1.1 408"), "\(b.text.prefix(80))")
            // Each connection was closed by the server, not left open until our read gave up.
            #expect(a.closed && b.closed && c.closed)
            #expect(c.text.isEmpty)
            // Well before the trickle would have finished (18 s), and not at the read timeout (30 s).
            #expect(ContinuousClock.now - started < .seconds(25))
            // The server still answers.
            let healthy = try Connection(port: port)
            healthy.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let answer = await blocking { healthy.readToEnd() }
            #expect(answer.text.hasPrefix("HTTP/1.1 200"))
        }
    }
}
