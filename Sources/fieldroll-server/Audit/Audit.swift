import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension FieldRollServerCommand {
    /// `fieldroll-server audit …`
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check the hash-chained audit log.", subcommands: [AuditVerify.self])
    }

    struct AuditVerify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Recompute the audit log's hash chain.",
            discussion: """
                Exits 0 when every entry verifies, 4 at the first edited, missing or removed entry \
                (named on stderr), and 1 when the database cannot be read at all.
                """)
        @OptionGroup var options: ServerOptions
        @Flag(help: "Print JSON instead of text: {\"intact\":…,\"entries\":…,\"firstBad\":{\"seq\":…,\"reason\":…}}.") var json = false

        func run() async throws {
            let pipeline = try await options.open()
            let result = try await pipeline.verifyAudit()
            if json {
                var out: [String: JSONValue] = ["intact": .bool(result.ok), "entries": .int(result.entries)]
                if let bad = result.firstBad { out["firstBad"] = .object(["seq": .int(bad.seq), "reason": .string(bad.reason)]) }
                print(String(decoding: JSONValue.object(out).canonicalBytes, as: UTF8.self))
            }
            if let bad = result.firstBad {
                let failure = CLIFailure(code: .auditBroken, message: "\(bad.reason) (\(result.entries) entries verify before it)")
                FileHandle.standardError.write(Data("Error: \(failure)\n".utf8))
                throw ExitCode(ExitStatus.auditBroken.rawValue)
            }
            if !json { print("audit log intact: \(result.entries) entries") }
        }
    }
}
