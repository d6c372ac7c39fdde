import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension FieldRollServerCommand {
    /// `fieldroll-server init`
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new server: its identity, schema and audit log, once.",
            discussion: """
                Every other command refuses a data folder or database that holds no server, so a \
                mistyped --data never starts an empty server with a new identity. init refuses one \
                that already holds a server (already-initialized). Examples:
                  fieldroll-server init --data /var/lib/fieldroll
                  fieldroll-server init --database postgres://fieldroll:…@127.0.0.1:5432/fieldroll --blobs /srv/fieldroll/blobs
                """)
        @OptionGroup var options: ServerOptions
        @Flag(help: "Exit 0 without changing anything when a server is already there (for provisioning scripts).") var ifAbsent = false
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let config = try options.configuration()
            let storage = try await ServerOpener.storage(config, create: true)
            if ifAbsent, let existing = try await storage.identity() {
                await storage.close()
                if json {
                    CLIOutput.json(["server": .string(existing.node.rawValue), "backend": .string(storage.backend), "created": false])
                } else {
                    print("server \(existing.node) already exists; nothing changed")
                }
                return
            }
            let pipeline = try await SyncPipeline.initialize(storage, now: CLIClock.millis())
            _ = try BlobStore(root: config.blobDirectory)
            await storage.close()
            if json {
                CLIOutput.json(["server": .string(pipeline.serverNode.rawValue), "backend": .string(storage.backend), "created": true])
            } else {
                print(
                    "created server \(pipeline.serverNode) (\(storage.backend): \(config.databaseDescription); photos: \(config.blobDirectory))"
                )
            }
        }
    }

    /// `fieldroll-server migrate`
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Upgrade an existing server's database schema, then exit.")
        @OptionGroup var options: ServerOptions
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            // Opening applies pending migrations on either backend.
            let pipeline = try await options.open()
            await pipeline.storage.close()
            if json {
                CLIOutput.json([
                    "server": .string(pipeline.serverNode.rawValue), "backend": .string(pipeline.storage.backend), "upToDate": true,
                ])
            } else {
                print("schema up to date (\(pipeline.storage.backend))")
            }
        }
    }
}
