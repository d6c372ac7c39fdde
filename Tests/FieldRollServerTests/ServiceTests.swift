import FieldRollCore
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `fieldroll-server serve` as a service manager runs it.
final class ServeProcess {
    let process = Process()
    let out = Pipe(), err = Pipe()

    init(_ args: [String], environment: [String: String] = [:]) throws {
        guard let binary = CLI.binary else { throw CocoaError(.fileNoSuchFile) }
        process.executableURL = binary
        process.arguments = ["serve"] + args
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    /// Waits at most `seconds` for the process to exit; returns its status, or nil if it still runs.
    func exit(within seconds: Double) async throws -> Int32? {
        for _ in 0..<Int(seconds * 20) {
            if !process.isRunning { return process.terminationStatus }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// What the process wrote to stderr so far (read once: the pipe is drained by reading).
    var stderr: String { String(decoding: err.fileHandleForReading.availableData, as: UTF8.self) }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}

/// GETs a path on 127.0.0.1; nil when nothing answers.
func probe(_ port: Int, _ path: String) async -> Int? {
    guard let url = URL(string: "http://127.0.0.1:\(port)\(path)") else { return nil }
    var request = URLRequest(url: url)
    request.timeoutInterval = 2
    guard let (_, response) = try? await URLSession.shared.data(for: request) else { return nil }
    return (response as? HTTPURLResponse)?.statusCode
}

/// A port nothing listens on now.
func freePort() -> Int { Int.random(in: 30_000...45_000) }

@Suite("The server starts and stops like a service")
struct ServiceTests {
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-service-\(UUID().uuidString)").path

    func waitUntilReady(_ port: Int) async throws {
        for _ in 0..<200 {
            if await probe(port, "/readyz") == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the server did not become ready on port \(port)")
    }

    @Test("a taken port, a bad database URL, an unreadable database or an unknown setting: one line and exit 1 within seconds")
    func refusals() async throws {
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(try CLI.run(["init", "--data", data]).0 == 0)
        let port = freePort()
        let first = try ServeProcess(["--data", data, "--port", String(port)])
        defer { first.stop() }
        try await waitUntilReady(port)

        let second = try ServeProcess(["--data", data, "--port", String(port)])
        defer { second.stop() }
        #expect(try await second.exit(within: 10) == 1)
        let line = second.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("Error: cannot-listen: ") && !line.contains("\n"), "\(line)")

        let badURL = try ServeProcess(["--data", data, "--database", "mysql://nowhere/db"])
        defer { badURL.stop() }
        #expect(try await badURL.exit(within: 10) == 1)
        #expect(badURL.stderr.hasPrefix("Error: invalid-configuration: "))

        let garbage = data + "-garbage"
        try FileManager.default.createDirectory(atPath: garbage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: garbage) }
        try Data("this is not a database".utf8).write(to: URL(fileURLWithPath: garbage + "/fieldroll.sqlite"))
        let unreadable = try ServeProcess(["--data", garbage, "--port", String(freePort())])
        defer { unreadable.stop() }
        #expect(try await unreadable.exit(within: 10) == 1)
        #expect(unreadable.stderr.hasPrefix("Error: storage-failure: "))

        let config = data + "-settings.env"
        try Data("# a typo\nFIELDROLL_PROT=8080\n".utf8).write(to: URL(fileURLWithPath: config))
        defer { try? FileManager.default.removeItem(atPath: config) }
        let typo = try ServeProcess(["--config", config])
        defer { typo.stop() }
        #expect(try await typo.exit(within: 10) == 1)
        let typoLine = typo.stderr
        #expect(typoLine.contains("invalid-configuration") && typoLine.contains("FIELDROLL_PROT"), "\(typoLine)")
    }

    @Test("settings from a config file and the environment; SIGTERM lets the server finish and exit 0")
    func settingsAndSignals() async throws {
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(try CLI.run(["init", "--data", data]).0 == 0)
        let port = freePort()
        let config = data + "-settings.env"
        try Data("FIELDROLL_DATA=\(data)\nFIELDROLL_PORT=\"\(port)\"\n".utf8).write(to: URL(fileURLWithPath: config))
        defer { try? FileManager.default.removeItem(atPath: config) }
        let server = try ServeProcess([], environment: ["FIELDROLL_CONFIG": config])
        defer { server.stop() }
        try await waitUntilReady(port)
        #expect(await probe(port, "/healthz") == 200)
        kill(server.process.processIdentifier, SIGTERM)
        #expect(try await server.exit(within: 25) == 0)
        #expect(await probe(port, "/healthz") == nil)
        let out = String(decoding: server.out.fileHandleForReading.availableData, as: UTF8.self)
        #expect(out.contains("listening on http://127.0.0.1:\(port)") && out.contains("stopped"))
    }

    @Test("init makes a server once: a second init is refused, --if-absent keeps the same identity")
    func initOnce() throws {
        defer { try? FileManager.default.removeItem(atPath: data) }
        let (s1, out1, _) = try CLI.run(["init", "--data", data, "--json"])
        #expect(s1 == 0 && out1.contains(#""created":true"#))
        let (s2, _, err2) = try CLI.run(["init", "--data", data])
        #expect(s2 == 1 && err2.hasPrefix("Error: already-initialized: "))
        let (s3, out3, _) = try CLI.run(["init", "--data", data, "--if-absent", "--json"])
        let first = try JSONValue(parsing: Data(out1.utf8)).objectValue?["server"]
        let again = try JSONValue(parsing: Data(out3.utf8)).objectValue?["server"]
        #expect(s3 == 0 && out3.contains(#""created":false"#) && again == first)
    }

    @Test("a mistyped data folder is refused, never created as an empty server")
    func typo() throws {
        let (status, _, err) = try CLI.run(["audit", "verify", "--data", data + "-typo"])
        #expect(status == 1 && err.hasPrefix("Error: no-server: "))
        #expect(!FileManager.default.fileExists(atPath: data + "-typo"))
    }
}
