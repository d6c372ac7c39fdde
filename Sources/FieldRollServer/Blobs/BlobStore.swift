@preconcurrency import Crypto
import FieldRollCore
import Foundation
import Synchronization

/// Content-addressed files: `blobs/ab/abcdef…` once verified, `blobs/partial/abcdef…` while an
/// upload is under way. A blob is kept only after its bytes hash to its name.
public final class BlobStore: Sendable {
    public let root: URL
    private let busy = Mutex<Set<String>>([])

    public init(root: String) throws {
        self.root = URL(fileURLWithPath: root)
        try FileManager.default.createDirectory(at: self.root.appendingPathComponent("partial"), withIntermediateDirectories: true)
    }

    func finalURL(_ d: FieldRollCore.SHA256Digest) -> URL { root.appendingPathComponent(String(d.hex.prefix(2))).appendingPathComponent(d.hex) }
    func partialURL(_ d: FieldRollCore.SHA256Digest) -> URL { root.appendingPathComponent("partial").appendingPathComponent(d.hex) }

    /// The size of a complete blob, or nil.
    public func size(of d: FieldRollCore.SHA256Digest) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: finalURL(d).path)[.size] as? NSNumber)?.int64Value
    }

    /// How many bytes of an unfinished upload the server holds (0 when none).
    public func partialSize(of d: FieldRollCore.SHA256Digest) -> Int64 {
        (try? FileManager.default.attributesOfItem(atPath: partialURL(d).path)[.size] as? NSNumber)?.int64Value ?? 0
    }

    /// Claims the right to upload `d`; false when another upload of it is running.
    func claim(_ d: FieldRollCore.SHA256Digest) -> Bool { busy.withLock { $0.insert(d.hex).inserted } }
    func release(_ d: FieldRollCore.SHA256Digest) { _ = busy.withLock { $0.remove(d.hex) } }

    /// Opens the partial file for appending at `offset` (which must equal its size).
    func openPartial(_ d: FieldRollCore.SHA256Digest) throws -> FileHandle {
        let url = partialURL(d)
        if !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw StorageError(.storageFailure, "cannot create an upload file; is the disk full?")
            }
        }
        let handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
        return handle
    }

    /// Hashes the finished partial file; keeps it under its name if the hash matches, deletes
    /// it if not.
    /// - Returns: whether the bytes matched.
    func finish(_ d: FieldRollCore.SHA256Digest) throws -> Bool {
        let url = partialURL(d)
        let handle = try FileHandle(forReadingFrom: url)
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        try handle.close()
        guard FieldRollCore.SHA256Digest(hasher.finalize()) == d else {
            try? FileManager.default.removeItem(at: url)
            return false
        }
        let target = finalURL(d)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: target.path) {
            try FileManager.default.removeItem(at: url)
        } else {
            try FileManager.default.moveItem(at: url, to: target)
        }
        return true
    }

    /// Discards an unfinished upload.
    func discardPartial(_ d: FieldRollCore.SHA256Digest) { try? FileManager.default.removeItem(at: partialURL(d)) }
}
