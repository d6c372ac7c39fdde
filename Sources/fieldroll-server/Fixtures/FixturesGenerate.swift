import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension FieldRollServerCommand {
    /// `fieldroll-server fixtures generate --households N --seed S --out DIR`
    struct FixturesGenerate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "generate",
            abstract: "Write a synthetic county of any size as CSV files, the same for the same seed.",
            discussion: """
                Every person is invented; resident IDs carry valid check digits under the \
                fictitious county code 139901. Villages hold about 150 households each (at least 10 \
                villages in at least 3 townships).

                Example — the county the tests use, and a large one for benchmarks:
                  fieldroll-server fixtures generate --households 200 --seed 2026 --out Fixtures/county
                  fieldroll-server fixtures generate --households 20000 --seed 7 --out /tmp/big-county
                """
        )

        @Option(help: "How many households (0–1000000).")
        var households: Int = 200

        @Option(help: "The random seed; the same seed gives the same county.")
        var seed: UInt64 = 2026

        @Option(
            help:
                "The folder to write regions.csv, households.csv, members.csv, standards.csv and enrolments.csv into (created if missing).")
        var out: String

        @Flag(help: "Print JSON instead of text: counts and the files written.")
        var json = false

        func validate() throws {
            guard (0...1_000_000).contains(households) else {
                throw ValidationError("--households must be between 0 and 1000000, got \(households)")
            }
            guard !out.isEmpty else { throw ValidationError("--out needs a folder") }
        }

        func run() throws {
            let county = CountyGenerator(seed: seed, households: households).generate()
            let files: [URL]
            do {
                files = try CountyFixtureWriter(county: county).write(to: URL(fileURLWithPath: out))
            } catch {
                throw CLIFailure(code: .storageFailure, message: "cannot write to \(out): \(error.localizedDescription)")
            }
            if json {
                CLIOutput.json([
                    "households": .int(Int64(county.households.count)), "members": .int(Int64(county.members.count)),
                    "enrolments": .int(Int64(county.enrolments.count)), "villages": .int(Int64(county.villages.count)),
                    "townships": .int(Int64(county.townships.count)), "files": .array(files.map { .string($0.path) }),
                ])
                return
            }
            print(
                "wrote \(county.households.count) households, \(county.members.count) members, \(county.enrolments.count) enrolments in \(county.villages.count) villages of \(county.townships.count) townships"
            )
            for f in files { print("  \(f.path)") }
        }
    }
}
