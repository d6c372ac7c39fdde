import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

extension FieldRollServerCommand {
    /// `fieldroll-server backup`
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a running server's database and photos into a new folder.",
            discussion: """
                Safe while the server runs: SQLite is copied with its online backup, PostgreSQL with \
                pg_dump (custom format), both as of one committed transaction; then the photo files \
                are copied (photos never change once stored). The folder gets a manifest.json. \
                Restore it with `fieldroll-server restore --from DIR`. Example:
                  fieldroll-server backup --data /var/lib/fieldroll --out /var/backups/fieldroll/2026-11-25
                """)
        @OptionGroup var options: ServerOptions
        @Option(help: "The folder to write; it must not exist or be empty.") var out: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let config = try options.configuration()
            let pipeline = try await options.open()
            let manifest = try await ServerBackup.backup(pipeline, configuration: config, to: out, now: CLIClock.millis())
            await pipeline.storage.close()
            if json {
                CLIOutput.json([
                    "server": .string(manifest.server.description), "backend": .string(manifest.backend),
                    "position": .int(manifest.position),
                    "photos": .int(Int64(manifest.photos)), "out": .string(out),
                ])
            } else {
                print(
                    "backed up server \(manifest.server) (\(manifest.backend), position \(manifest.position), \(manifest.photos) photos) to \(out)"
                )
            }
        }
    }

    /// `fieldroll-server restore`
    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a stopped server from a backup folder, keeping devices right.",
            discussion: """
                Stop every server process first. The database is replaced by the backup's; photos in \
                the backup are added to the photo folder (newer photos already there are kept). The \
                server keeps its identity, so enrolled devices go on working, and it starts a new \
                generation: its positions jump past anything handed out before, so devices whose \
                cursors ran ahead of the backup still receive every later change, and devices send \
                again what they had pushed since the backup. Example:
                  fieldroll-server restore --data /var/lib/fieldroll --from /var/backups/fieldroll/2026-11-25
                """)
        @OptionGroup var options: ServerOptions
        @Option(help: "The backup folder (made by `fieldroll-server backup`).") var from: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let config = try options.configuration()
            let (manifest, head, photos) = try await ServerBackup.restore(config, from: from, now: CLIClock.millis())
            if json {
                CLIOutput.json([
                    "server": .string(manifest.server.description), "generation": .int(head.generation), "position": .int(head.position),
                    "photosAdded": .int(Int64(photos)),
                ])
            } else {
                print(
                    "restored server \(manifest.server) from \(from) (backup of \(manifest.createdAt)); generation \(head.generation) begins; \(photos) photos added"
                )
            }
        }
    }
}
