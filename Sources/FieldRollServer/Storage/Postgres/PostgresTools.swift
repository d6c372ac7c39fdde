import FieldRollCore
import Foundation

/// PostgreSQL's command-line tools (`pg_dump`, `pg_restore`), found and run for backups.
///
/// A tool is looked for on `PATH`, then in `/usr/lib/postgresql/*/bin` (newest version first),
/// where Debian installs them. The password travels in `PGPASSWORD`, never on the command line.
enum PostgresTools {
    /// The path of a tool, or nil when it is not installed.
    static func locate(_ name: String) -> String? {
        let fm = FileManager.default
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        let versions = (try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let candidate = "/usr/lib/postgresql/\(version)/bin/\(name)"
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The connection flags and environment for `location`.
    static func connection(_ location: PostgresLocation) -> (arguments: [String], environment: [String: String]) {
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = location.password
        environment["PGSSLMODE"] = location.tls.rawValue
        environment["PGCONNECT_TIMEOUT"] = "10"
        return (["--host", location.host, "--port", String(location.port), "--username", location.user, "--no-password"], environment)
    }

    /// Runs `tool` with `arguments` and waits for it without blocking a thread.
    /// - Throws: ``StorageError`` (`storage-failure`) when the tool is missing or exits non-zero,
    ///   with the last lines it printed.
    static func run(_ tool: String, _ arguments: [String], environment: [String: String]) async throws {
        guard let executable = locate(tool) else {
            throw StorageError(
                .storageFailure,
                "\(tool) is not installed (looked on PATH and in /usr/lib/postgresql/*/bin); install the PostgreSQL client tools")
        }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-\(tool)-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: output.path, contents: nil), let handle = try? FileHandle(forWritingTo: output) else {
            throw StorageError(.storageFailure, "cannot create a temporary file for \(tool)'s output")
        }
        defer {
            try? handle.close()
            try? FileManager.default.removeItem(at: output)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: StorageError(.storageFailure, "cannot run \(executable): \(error.localizedDescription)"))
            }
        }
        guard status == 0 else {
            let printed = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            let tail = printed.split(separator: "\n").suffix(5).joined(separator: " | ")
            throw StorageError(.storageFailure, "\(tool) failed (exit \(status)): \(tail.isEmpty ? "it printed nothing" : tail)")
        }
    }
}
