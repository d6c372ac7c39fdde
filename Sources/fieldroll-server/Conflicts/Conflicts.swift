import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension FieldRollServerCommand {
    /// `fieldroll-server conflicts …`
    struct Conflicts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Review concurrent edits: see both values, keep the winner or choose the other.",
            subcommands: [ConflictsList.self, ConflictsResolve.self]
        )
    }

    struct ConflictsList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List open conflicts (with --all, resolved ones too).")
        @OptionGroup var options: ServerOptions
        @Option(help: "Only conflicts inside this region code (county, township or village).") var scope: String?
        @Flag(help: "Include resolved conflicts.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            var region: RegionCode?
            if let scope {
                do { region = try RegionCode(scope) } catch { throw CLIFailure(code: .invalidRecord, message: error.message) }
            }
            let pipeline = try await options.open()
            let list = try await pipeline.conflicts(includeResolved: all, scope: region)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(list), as: UTF8.self))
                return
            }
            if list.isEmpty { print(all ? "no conflicts" : "no open conflicts") }
            for c in list {
                print(
                    "\(c.id)  \(c.entity.rawValue)/\(c.record).\(c.field)  region \(c.region)\(c.resolvedAt == nil ? "" : "  [\(c.resolution ?? "resolved") by \(c.resolvedBy ?? "?")]")"
                )
                print(
                    "    kept:  \(CanonicalJSON.string(c.winner.value))  by \(c.winnerDevice) at \(Instant(millis: c.winner.stamp.physical))"
                )
                print(
                    "    other: \(CanonicalJSON.string(c.loser.value))  by \(c.loserDevice) at \(Instant(millis: c.loser.stamp.physical))")
            }
        }
    }

    struct ConflictsResolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resolve", abstract: "Close a conflict: keep the merged winner, or write the other value as the central office.",
            discussion: "Example: fieldroll-server conflicts resolve 5f0c… --choose other --by 张科长")
        @OptionGroup var options: ServerOptions
        @Argument(help: "The conflict id.") var id: String
        @Option(help: "kept (the merged winner) or other (the losing value).") var choose: Choice
        @Option(help: "Who decides (recorded in the audit log).") var by: String
        @Flag(help: "Print JSON instead of text.") var json = false

        /// Which value a resolution keeps.
        enum Choice: String, CaseIterable, ExpressibleByArgument {
            /// The merged winner, as every replica already holds it.
            case kept
            /// The losing value, written again by the central office.
            case other
        }

        func run() async throws {
            let pipeline = try await options.open()
            let c = try await pipeline.resolveConflict(id: id, chooseLoser: choose == .other, as: .operator(by), now: CLIClock.millis())
            await pipeline.storage.close()
            if json {
                CLIOutput.json(["id": .string(c.id), "resolution": .string(c.resolution ?? ""), "by": .string(by)])
            } else {
                print("conflict \(c.id) resolved: \(c.resolution ?? "") by \(by)")
            }
        }
    }
}
