import ArgumentParser
import FieldRollCore

/// `fieldroll-device-bench`'s command line.
struct DeviceBenchOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fieldroll-device-bench",
        abstract: "Measure the device store on this machine: opening it, recording a visit with 3 photos, listing a village.",
        version: FieldRollRelease.versionLine)

    @Option(help: "Households in the village to list.")
    var households = 2_000

    mutating func validate() throws {
        guard households >= 50 else { throw ValidationError("--households must be at least 50 (50 visits are recorded)") }
    }
}
