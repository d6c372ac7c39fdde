import FieldRollCore
import FieldRollServer
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@Suite("Expect: 100-continue is answered before the body is sent")
struct ExpectContinueTests {
    @Test("an upload that expects 100-continue is told to go on, then stored")
    func continueThenStore() async throws {
        let server = try await TestServer()
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let bytes = Data((0..<5000).map { UInt8($0 % 251) })
        let d = SHA256Digest(of: bytes)
        let connection = try RawConnection(port: server.server.port)
        try await connection.send(
            "PUT /v1/blobs/\(d.hex) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(device.token)\r\n"
                + "Upload-Length: \(bytes.count)\r\nUpload-Offset: 0\r\nContent-Length: \(bytes.count)\r\nExpect: 100-continue\r\n\r\n")
        let interim = try await connection.readHead()
        #expect(interim.hasPrefix("HTTP/1.1 100 Continue"), "got \(interim)")
        try await connection.send(bytes)
        let final = try await connection.readHead()
        #expect(final.hasPrefix("HTTP/1.1 201"), "got \(final)")
        let (_, _, head) = try await server.exchange("HEAD", "/v1/blobs/\(d.hex)", token: device.token)
        #expect(head.statusCode == 200 && head.value(forHTTPHeaderField: "Upload-Offset") == "\(bytes.count)")
    }

    @Test("a request refused before its body is read gets the refusal without a 100, and the connection closes")
    func refusedWithoutBody() async throws {
        let server = try await TestServer { $0.maxBlobBytes = 1000 }
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let d = SHA256Digest(of: Data("big".utf8))
        for (token, status) in [("not-a-token", "401"), (device.token, "413")] {
            let connection = try RawConnection(port: server.server.port)
            try await connection.send(
                "PUT /v1/blobs/\(d.hex) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                    + "Upload-Length: 5000\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
            let final = try await connection.readHead()
            #expect(final.hasPrefix("HTTP/1.1 \(status)"), "got \(final)")
            #expect(final.lowercased().contains("\r\nconnection: close"), "got \(final)")
            #expect(try await connection.readsToEnd(), "the server closes a connection whose body it never asked for")
        }
    }

    @Test("a client that stops waiting and sends the body anyway is served as usual")
    func bodyWithoutWaiting() async throws {
        let server = try await TestServer()
        defer { Task { await server.close() } }
        let device = try await server.enrol()
        let bytes = Data((0..<3000).map { UInt8($0 % 7) })
        let d = SHA256Digest(of: bytes)
        let connection = try RawConnection(port: server.server.port)
        var request = Data(
            ("PUT /v1/blobs/\(d.hex) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(device.token)\r\n"
                + "Upload-Length: \(bytes.count)\r\nContent-Length: \(bytes.count)\r\nExpect: 100-continue\r\n\r\n").utf8)
        request.append(bytes)
        try await connection.send(request)
        var head = try await connection.readHead()
        if head.hasPrefix("HTTP/1.1 100") { head = try await connection.readHead() }
        #expect(head.hasPrefix("HTTP/1.1 201"), "got \(head)")
    }
}

/// A plain TCP connection to 127.0.0.1 that speaks HTTP/1.1 by hand; every read gives up after
/// thirty seconds. The blocking socket calls run on a thread of their own, never on the cooperative pool
/// the server in the same process needs.
final class RawConnection: @unchecked Sendable {
    let fd: Int32
    private var buffer = Data()

    struct Failure: Error, CustomStringConvertible { var description: String }

    init(port: Int) throws {
        #if canImport(Glibc)
            fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket() failed") }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "cannot connect to 127.0.0.1:\(port)")
        }
    }

    deinit { close(fd) }

    func send(_ text: String) async throws { try await send(Data(text.utf8)) }

    func send(_ data: Data) async throws { try await offPool { try self.sendNow(data) } }
    func readHead() async throws -> String { try await offPool { try self.readHeadNow() } }
    func readsToEnd() async throws -> Bool { try await offPool { try self.readsToEndNow() } }

    private func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    private func sendNow(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                #if canImport(Glibc)
                    let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                #else
                    let n = Darwin.send(fd, raw.baseAddress! + sent, raw.count - sent, 0)
                #endif
                guard n > 0 else { throw Failure(description: "send failed") }
                sent += n
            }
        }
    }

    /// Reads one response head (status line and headers) and any body its Content-Length names;
    /// returns the head.
    private func readHeadNow() throws -> String {
        let separator = Data("\r\n\r\n".utf8)
        while buffer.range(of: separator) == nil { try fill() }
        let end = buffer.range(of: separator)!.upperBound
        let head = String(decoding: buffer[buffer.startIndex..<end], as: UTF8.self)
        buffer.removeSubrange(buffer.startIndex..<end)
        let length =
            head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
            .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
        while buffer.count < length { try fill() }
        buffer.removeFirst(length)
        return head
    }

    /// Whether the server closes the connection (rather than the read timing out).
    private func readsToEndNow() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &chunk, chunk.count, 0)
            if n == 0 { return true }
            if n < 0 { return false }
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &chunk, chunk.count, 0)
        guard n > 0 else { throw Failure(description: n == 0 ? "the server closed the connection" : "no answer within 60 s") }
        buffer.append(contentsOf: chunk[0..<n])
    }
}
