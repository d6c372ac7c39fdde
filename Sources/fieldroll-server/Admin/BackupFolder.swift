import FieldRollCore
import FieldRollServer
import Foundation

/// What `manifest.json` in a backup folder says.
struct BackupManifest: Codable {
    var format = 1
    var server: String
    var backend: String
    var generation: Int64
    var position: Int64
    var auditEntries: Int64
    var photos: Int
    var createdAt: String
    var files: [String]
}

/// Reading and writing backup folders.
enum BackupFolder {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return e
    }()

    static func write(_ manifest: BackupManifest, to folder: String) throws {
        let data = try encoder.encode(manifest)
        guard FileManager.default.createFile(atPath: folder + "/manifest.json", contents: data) else {
            throw CLIFailure(code: .storageFailure, message: "cannot write \(folder)/manifest.json (is the disk full?)")
        }
    }

    static func read(_ folder: String) throws -> BackupManifest {
        guard let data = FileManager.default.contents(atPath: folder + "/manifest.json") else {
            throw CLIFailure(code: .notFound, message: "\(folder) holds no manifest.json; is it a backup folder?")
        }
        do { return try JSONDecoder().decode(BackupManifest.self, from: data) } catch {
            throw CLIFailure(code: .invalidConfiguration, message: "\(folder)/manifest.json cannot be read")
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
                    throw CLIFailure(code: .storageFailure, message: "cannot copy photo \(name): \(error.localizedDescription)")
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
        guard fm.fileExists(atPath: backup) else { throw CLIFailure(code: .notFound, message: "\(backup) is missing from the backup") }
        try fm.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        let staging = path + ".restoring"
        try? fm.removeItem(atPath: staging)
        do {
            try fm.copyItem(atPath: backup, toPath: staging)
            for suffix in ["-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
            // rename(2) replaces the old file in one step: a crash leaves the old or the new one.
            guard rename(staging, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw CLIFailure(code: .storageFailure, message: "cannot restore the database to \(path): \(error.localizedDescription)")
        }
    }
}
