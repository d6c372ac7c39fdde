import FieldRollCore
import Foundation

/// What `manifest.json` in a backup folder says.
public struct BackupManifest: Codable, Sendable {
    public var format = 1
    public var server: String
    public var backend: String
    public var generation: Int64
    public var position: Int64
    public var auditEntries: Int64
    public var photos: Int
    public var createdAt: String
    public var files: [String]
}

/// Backups a server can be restored from without devices losing anything.
///
/// A backup folder holds the database (SQLite's online-backup copy, or a `pg_dump` custom-format
/// file), the photo files, and `manifest.json`. ``restore(_:from:now:)`` puts them back and starts
/// a new generation (``SyncPipeline/beginGeneration(reason:now:)``).
public enum ServerBackup {
    /// Copies a running server into `folder`, which must not exist or be empty.
    public static func backup(_ pipeline: SyncPipeline, configuration: ServerConfiguration, to folder: String, now: Int64) async throws
        -> BackupManifest
    {
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: folder), !existing.isEmpty {
            throw StorageError(.invalidConfiguration, "\(folder) is not empty; back up into a new folder")
        }
        // The head before the copy: the copy holds at least this much.
        let head = try await pipeline.storage.head()
        let files = try await pipeline.storage.backup(to: folder)
        let photos = try copyBlobs(from: configuration.blobDirectory, to: folder + "/blobs")
        let manifest = BackupManifest(
            server: pipeline.serverNode.rawValue, backend: pipeline.storage.backend, generation: head.generation, position: head.position,
            auditEntries: head.auditSeq, photos: photos, createdAt: Instant(millis: now).description,
            files: files.map { URL(fileURLWithPath: $0).lastPathComponent })
        let data = try encoder.encode(manifest)
        guard FileManager.default.createFile(atPath: folder + "/manifest.json", contents: data) else {
            throw StorageError(.storageFailure, "cannot write \(folder)/manifest.json (is the disk full?)")
        }
        return manifest
    }

    /// Restores the server `configuration` names from `folder` (every server process stopped)
    /// and starts a new generation. Photos already in the photo folder are kept.
    /// - Returns: the manifest, the new head and how many photos were added.
    public static func restore(_ configuration: ServerConfiguration, from folder: String, now: Int64) async throws -> (
        BackupManifest, SyncHead, Int
    ) {
        let manifest = try read(folder)
        let backend = configuration.databaseURL == nil ? "sqlite" : "postgres"
        guard manifest.backend == backend else {
            throw StorageError(.invalidConfiguration, "the backup is of a \(manifest.backend) server; this one uses \(backend)")
        }
        // The generation of the database about to be replaced, if there is one: the restored
        // server's next generation must be above everything that one handed out.
        var replaced: Int64?
        if let current = try? await ServerOpener.storage(configuration, create: false) {
            replaced = try? await current.head().generation
            await current.close()
        }
        if let url = configuration.databaseURL {
            try await PostgresStorage.restore(from: folder + "/fieldroll.pgdump", url: url)
        } else {
            try restoreSQLite(from: folder + "/fieldroll.sqlite", to: configuration.databasePath)
        }
        let photos = try copyBlobs(from: folder + "/blobs", to: configuration.blobDirectory)
        let (pipeline, _) = try await ServerOpener.open(configuration)
        let head: SyncHead
        do {
            head = try await pipeline.beginGeneration(
                reason: "restored from the backup of \(manifest.createdAt)", above: replaced, now: now)
        } catch {
            await pipeline.storage.close()
            throw error
        }
        await pipeline.storage.close()
        return (manifest, head, photos)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return e
    }()

    /// Reads a backup folder's manifest.
    public static func read(_ folder: String) throws -> BackupManifest {
        guard let data = FileManager.default.contents(atPath: folder + "/manifest.json") else {
            throw StorageError(.notFound, "\(folder) holds no manifest.json; is it a backup folder?")
        }
        do { return try JSONDecoder().decode(BackupManifest.self, from: data) } catch {
            throw StorageError(.invalidConfiguration, "\(folder)/manifest.json cannot be read")
        }
    }

    /// Copies complete photo files (not uploads under way) that `target` lacks; returns how many.
    static func copyBlobs(from source: String, to target: String) throws -> Int {
        let fm = FileManager.default
        guard let shards = try? fm.contentsOfDirectory(atPath: source) else { return 0 }
        var copied = 0
        for shard in shards where shard != "partial" {
            guard let names = try? fm.contentsOfDirectory(atPath: source + "/" + shard) else { continue }
            try fm.createDirectory(atPath: target + "/" + shard, withIntermediateDirectories: true)
            for name in names where !fm.fileExists(atPath: "\(target)/\(shard)/\(name)") {
                do {
                    try fm.copyItem(atPath: "\(source)/\(shard)/\(name)", toPath: "\(target)/\(shard)/\(name)")
                } catch {
                    throw StorageError(.storageFailure, "cannot copy photo \(name): \(error.localizedDescription)")
                }
                copied += 1
            }
        }
        try fm.createDirectory(atPath: target + "/partial", withIntermediateDirectories: true)
        return copied
    }

    /// Replaces the SQLite database (and its WAL files) by the backup's copy.
    static func restoreSQLite(from backup: String, to path: String) throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: backup) else { throw StorageError(.notFound, "\(backup) is missing from the backup") }
        try fm.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        let staging = path + ".restoring"
        try? fm.removeItem(atPath: staging)
        do {
            try fm.copyItem(atPath: backup, toPath: staging)
        } catch {
            throw StorageError(.storageFailure, "cannot copy the backup beside \(path): \(error.localizedDescription)")
        }
        for suffix in ["-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
        // rename(2) replaces the old file in one step: a crash leaves the old or the new one.
        guard rename(staging, path) == 0 else {
            throw StorageError(.storageFailure, "cannot put the restored database at \(path): \(String(cString: strerror(errno)))")
        }
    }
}
