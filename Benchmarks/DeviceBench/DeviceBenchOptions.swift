import ArgumentParser
import FieldRollCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `fieldroll-device-bench`'s command line.
struct DeviceBenchOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fieldroll-device-bench",
        abstract: "Measure the device store on this machine: opening it, recording a visit with 3 photos, listing a village.",
        discussion: """
            Prints a table, or with --json one object with a member per figure ({"value": …, "unit": …}) \
            and `run` saying what ran. Asserts nothing. Example:
              swift run -c release fieldroll-device-bench --households 2000 --json
            """,
        version: FieldRollRelease.versionLine)

    @Option(help: "Households in the village to list.")
    var households = 2_000

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    mutating func validate() throws {
        guard households >= 50 else { throw ValidationError("--households must be at least 50 (50 visits are recorded)") }
    }

    /// Parses the command line as `fieldroll` does: `--help` and `--version` print and exit 0,
    /// a wrong command line prints why and exits 2 (``ExitStatus/usage``) rather than 64.
    static func parseMappingUsage() -> DeviceBenchOptions {
        do { return try parse() } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Glibc.exit(ExitStatus.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}
