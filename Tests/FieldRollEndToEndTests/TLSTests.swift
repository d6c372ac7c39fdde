import FieldRollClient
import FieldRollCore
import Foundation
import Testing

/// A TLS endpoint on 127.0.0.1 (`openssl s_server`) with a throwaway certificate authority.
final class TLSEndpoint {
    let dir = tempDir("tls")
    let port = Int.random(in: 40_001...50_000)
    var server: Process?
    var caFile: String { dir.appendingPathComponent("ca.pem").path }
    /// `sha256//…` of the server's public key.
    var pin = ""

    func openssl(_ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = args
        p.currentDirectoryURL = dir
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw ClientError(.internalError, "openssl \(args.first ?? "") failed") }
        return String(decoding: data, as: UTF8.self)
    }

    func start() async throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("subjectAltName=IP:127.0.0.1\n".utf8).write(to: dir.appendingPathComponent("san.ext"))
        _ = try openssl([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj",
            "/CN=FieldRoll Test County CA",
        ])
        _ = try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"])
        _ = try openssl([
            "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "2",
            "-extfile", "san.ext",
        ])
        _ = try openssl(["pkey", "-in", "server.key", "-pubout", "-outform", "DER", "-out", "pub.der"])
        let pubDER = try Data(contentsOf: dir.appendingPathComponent("pub.der"))
        pin = "sha256//" + Data(SHA256Digest(of: pubDER).hex.hexBytes).base64EncodedString()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", "server.pem", "-key", "server.key", "-www", "-quiet"]
        p.currentDirectoryURL = dir
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        try p.run()
        server = p
        let client = CurlHTTPClient(endpoint: ServerEndpoint(baseURL: "https://127.0.0.1:\(port)", caFile: caFile))
        for _ in 0..<100 {
            if (try? await client.send(HTTPRequest(method: "GET", path: "/"))) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ClientError(.network, "openssl s_server did not start")
    }

    func stop() {
        if let server {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: dir)
    }
}

extension String {
    var hexBytes: [UInt8] {
        var out: [UInt8] = []
        var i = startIndex
        while i < endIndex, let j = index(i, offsetBy: 2, limitedBy: endIndex), let b = UInt8(self[i..<j], radix: 16) {
            out.append(b)
            i = j
        }
        return out
    }
}

@Suite("TLS trust through libcurl")
struct TLSTests {
    @Test("a county's own CA is trusted when given, refused when not; a pinned key must match")
    func trust() async throws {
        let tls = TLSEndpoint()
        defer { tls.stop() }
        try await tls.start()
        let base = "https://127.0.0.1:\(tls.port)"
        let trusted = try await CurlHTTPClient(endpoint: ServerEndpoint(baseURL: base, caFile: tls.caFile)).send(
            HTTPRequest(method: "GET", path: "/"))
        #expect(trusted.status == 200)
        do {
            _ = try await CurlHTTPClient(endpoint: ServerEndpoint(baseURL: base)).send(HTTPRequest(method: "GET", path: "/"))
            Issue.record("an unknown CA was trusted")
        } catch let e as ClientError {
            #expect(e.code == .untrustedServer)
        }
        let pinned = try await CurlHTTPClient(endpoint: ServerEndpoint(baseURL: base, caFile: tls.caFile, pinnedPublicKey: tls.pin)).send(
            HTTPRequest(method: "GET", path: "/"))
        #expect(pinned.status == 200)
        do {
            let wrong = "sha256//" + Data(repeating: 7, count: 32).base64EncodedString()
            _ = try await CurlHTTPClient(endpoint: ServerEndpoint(baseURL: base, caFile: tls.caFile, pinnedPublicKey: wrong)).send(
                HTTPRequest(method: "GET", path: "/"))
            Issue.record("a wrong pin was accepted")
        } catch let e as ClientError {
            #expect(e.code == .untrustedServer)
        }
    }
}
