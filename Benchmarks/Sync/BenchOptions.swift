import ArgumentParser
import FieldRollCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `fieldroll-bench`'s command line.
struct BenchOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fieldroll-bench",
        abstract: "Run the standard workload against a real fieldroll-server process on 127.0.0.1 and print figures.",
        discussion: """
            Starts the fieldroll-server next to this program (build both with -c release for \
            meaningful figures), pushes N visit-sized records, pulls them on a fresh device, measures \
            no-op pulls, a swarm of devices syncing at once and photo uploads, and prints a table. \
            Each figure with a ceiling is printed as a share of it, measured in the same run: Ed25519 \
            verifications on all cores (two per pushed visit), raw SQLite inserts of the same rows, a \
            network-only pull (pages fetched and parsed, not applied) and a loopback copy of bytes. \
            Exits 1 if anything failed or the devices did not converge.
            """,
        version: FieldRollRelease.versionLine)

    @Flag(help: "The small run the test script uses: 2,000 records, 20 devices, 20 photos.")
    var quick = false

    @Option(help: "Records to push and pull (default 100,000; 2,000 with --quick).")
    var records: Int?

    @Option(help: "Devices in the swarm (default 200; 20 with --quick).")
    var devices: Int?

    @Option(help: "Photos of 200 KB to upload (default 1,000; 20 with --quick).")
    var photos: Int?

    @Flag(help: "Print the table as Markdown.")
    var markdown = false

    @Flag(
        help:
            "Print one JSON object instead of the table: a member per figure with value, unit, and limit and share where it has one; `run` says what ran."
    )
    var json = false

    @Option(help: "postgres://… of an EMPTY database: run the server on PostgreSQL instead of SQLite.")
    var database: String?

    mutating func validate() throws {
        for (name, value) in [("--records", records), ("--devices", devices), ("--photos", photos)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1") }
        }
    }

    /// Parses the command line as `fieldroll-server` does: `--help` and `--version` print and
    /// exit 0, a wrong command line prints why and exits 2 (``ExitStatus/usage``) rather than 64.
    static func parseMappingUsage() -> BenchOptions {
        do { return try parse() } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Glibc.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
