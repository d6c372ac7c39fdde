import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A browser stand-in for console tests: plain HTTP/1.1 over a socket to 127.0.0.1, a cookie
/// jar, and no following of redirects (so a test sees each 303 and each Set-Cookie).
struct ConsoleClient {
    let port: Int
    /// Cookies by name, as the server last set them.
    var cookies: [String: String] = [:]
    /// Extra headers sent with every request.
    var headers: [String: String] = [:]

    /// One answer.
    struct Reply {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: String

        func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
        var setCookies: [String] { headers.filter { $0.name.lowercased() == "set-cookie" }.map(\.value) }
        /// The first `<input name="_csrf" value="…">` of the page.
        var csrf: String? { body.firstMatch(of: /name="_csrf" value="([^"]*)"/).map { String($0.1) } }
        /// The `Set-Cookie` line for a cookie.
        func setCookie(_ name: String) -> String? { setCookies.first { $0.hasPrefix("\(name)=") } }
    }

    init(port: Int) { self.port = port }

    mutating func get(_ path: String) async throws -> Reply { try await send("GET", path, body: nil) }

    /// Posts a form (`application/x-www-form-urlencoded`).
    mutating func post(_ path: String, form: [(String, String)]) async throws -> Reply {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = form.map { k, v in
            "\(k.addingPercentEncoding(withAllowedCharacters: allowed) ?? k)=\(v.addingPercentEncoding(withAllowedCharacters: allowed) ?? v)"
        }.joined(separator: "&")
        return try await send("POST", path, body: body)
    }

    /// Posts a `multipart/form-data` form with one file, as a browser's file input sends it.
    mutating func postFile(_ path: String, fields: [(String, String)], file: (name: String, filename: String, text: String)) async throws
        -> Reply
    {
        let boundary = "----fieldroll\(UUID().uuidString)"
        var body = ""
        for (k, v) in fields { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n" }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\n"
        body += "Content-Type: text/csv\r\n\r\n\(file.text)\r\n--\(boundary)--\r\n"
        return try await send("POST", path, body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    mutating func send(
        _ method: String, _ path: String, body: String?, contentType: String = "application/x-www-form-urlencoded"
    ) async throws -> Reply {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nUser-Agent: console-test\r\n"
        if !cookies.isEmpty {
            text += "Cookie: " + cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") + "\r\n"
        }
        for (k, v) in headers { text += "\(k): \(v)\r\n" }
        if let body {
            text += "Content-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        } else {
            text += "\r\n"
        }
        let raw = try await Self.exchangeOnThread(port: port, request: Array(text.utf8))
        let reply = try Self.parse(raw)
        for line in reply.setCookies {
            let pair = line.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            if line.contains("Max-Age=0") || pair[1].isEmpty { cookies[name] = nil } else { cookies[name] = String(pair[1]) }
        }
        return reply
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Runs the blocking exchange on a thread of its own: blocking the test's cooperative
    /// threads would starve the server's handlers, which run on the same pool.
    static func exchangeOnThread(port: Int, request: [UInt8]) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try exchange(port: port, request: request) }) }.start()
        }
    }

    static func exchange(port: Int, request: [UInt8]) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "cannot connect to 127.0.0.1:\(port)") }
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw Failure(description: "send failed") }
            sent += n
        }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    static func parse(_ raw: [UInt8]) throws -> Reply {
        let text = String(decoding: raw, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no header end in \(text.prefix(200))") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        guard let statusLine = lines.first, let status = Int(statusLine.split(separator: " ")[1]) else {
            throw Failure(description: "bad status line")
        }
        var headers: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var body = String(text[split.upperBound...])
        if headers.contains(where: { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased() == "chunked" }) {
            body = dechunk(body)
        }
        return Reply(status: status, headers: headers, body: body)
    }

    /// Joins a chunked body (sizes in hex, each line ended by CRLF).
    static func dechunk(_ body: String) -> String {
        var bytes = Array(body.utf8)[...]
        var out: [UInt8] = []
        while let lineEnd = bytes.firstIndex(of: 13),
            let size = Int(String(decoding: bytes[bytes.startIndex..<lineEnd], as: UTF8.self), radix: 16),
            size > 0
        {
            let start = lineEnd + 2
            guard start + size + 2 <= bytes.endIndex else { break }
            out += bytes[start..<start + size]
            bytes = bytes[(start + size + 2)...]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
