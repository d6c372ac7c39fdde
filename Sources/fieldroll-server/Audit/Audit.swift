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
            commandName: "verify", abstract: "Recompute the audit log's hash chain; exit 1 at the first edited, missing or removed entry.")
        @OptionGroup var options: ServerOptions

        func run() async throws {
            let pipeline = try await options.open()
            let result = try await pipeline.verifyAudit()
            if let bad = result.firstBad {
                throw CLIFailure(code: .auditBroken, message: "\(bad.reason) (\(result.entries) entries verify before it)")
            }
            print("audit log intact: \(result.entries) entries")
        }
    }
}
