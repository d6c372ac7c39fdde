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
            let fm = FileManager.default
            if let existing = try? fm.contentsOfDirectory(atPath: out), !existing.isEmpty {
                throw CLIFailure(code: .invalidConfiguration, message: "\(out) is not empty; back up into a new folder")
            }
            let pipeline = try await options.open()
            defer { Task { await pipeline.storage.close() } }
            let head = try await pipeline.storage.head()
            let files = try await pipeline.storage.backup(to: out)
            let photos = try BackupFolder.copyBlobs(from: config.blobDirectory, to: out + "/blobs")
            let manifest = BackupManifest(
                server: pipeline.serverNode.rawValue, backend: pipeline.storage.backend, generation: head.generation, position: head.position,
                auditEntries: head.auditSeq, photos: photos, createdAt: Instant(millis: CLIClock.millis()).description,
                files: files.map { URL(fileURLWithPath: $0).lastPathComponent })
            try BackupFolder.write(manifest, to: out)
            if json {
                print(String(decoding: try BackupFolder.encoder.encode(manifest), as: UTF8.self))
            } else {
                print("backed up server \(manifest.server) (\(manifest.backend), position \(head.position), \(photos) photos) to \(out)")
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
            let manifest = try BackupFolder.read(from)
            let backend = config.databaseURL == nil ? "sqlite" : "postgres"
            guard manifest.backend == backend else {
                throw CLIFailure(code: .invalidConfiguration, message: "the backup is of a \(manifest.backend) server; this one uses \(backend)")
            }
            if let url = config.databaseURL {
                try await PostgresStorage.restore(from: from + "/fieldroll.pgdump", url: url)
            } else {
                try BackupFolder.restoreSQLite(from: from + "/fieldroll.sqlite", to: config.databasePath)
            }
            let photos = try BackupFolder.copyBlobs(from: from + "/blobs", to: config.blobDirectory)
            let pipeline = try await ServerOpener.open(config).0
            let head = try await pipeline.beginGeneration(reason: "restored from the backup of \(manifest.createdAt)", now: CLIClock.millis())
            await pipeline.storage.close()
            if json {
                print(#"{"server":"\#(pipeline.serverNode)","generation":\#(head.generation),"position":\#(head.position),"photosAdded":\#(photos)}"#)
            } else {
                print("restored server \(pipeline.serverNode) from \(from) (backup of \(manifest.createdAt)); generation \(head.generation) begins; \(photos) photos added")
            }
        }
    }
}
