import FieldRollCore
import Foundation

/// Photo files by the SHA-256 of their plaintext (`photos/ab/abcdef…`), each sealed with the
/// store's key. The same image attached twice is stored once.
struct PhotoStore: Sendable {
    let root: URL
    let vault: Vault

    func url(_ d: SHA256Digest) -> URL { root.appendingPathComponent(String(d.hex.prefix(2))).appendingPathComponent(d.hex) }

    /// Stores `bytes` (if not already there) and returns their digest. The file is written to a
    /// temporary name, flushed and renamed, so a killed process never leaves a half photo.
    func put(_ bytes: Data) throws -> SHA256Digest {
        let d = SHA256Digest(of: bytes)
        let target = url(d)
        if FileManager.default.fileExists(atPath: target.path) { return d }
        let sealed = try vault.seal(bytes)
        do {
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            let tmp = target.appendingPathExtension("tmp-\(UUID().uuidString.prefix(8))")
            guard FileManager.default.createFile(atPath: tmp.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ClientError(.storageFailure, "cannot write a photo file (is the disk full?)")
            }
            let handle = try FileHandle(forWritingTo: tmp)
            do {
                try handle.write(contentsOf: sealed)
                try handle.synchronize()
                try handle.close()
            } catch {
                try? handle.close()
                try? FileManager.default.removeItem(at: tmp)
                throw ClientError(.storageFailure, "cannot write a photo file (is the disk full?); nothing was stored")
            }
            try FileManager.default.moveItem(at: tmp, to: target)
        } catch let e as ClientError {
            throw e
        } catch {
            if FileManager.default.fileExists(atPath: target.path) { return d }
            throw ClientError(.storageFailure, "cannot store the photo: \(error.localizedDescription)")
        }
        return d
    }

    /// The plaintext of a stored photo.
    func get(_ d: SHA256Digest) throws -> Data {
        guard let sealed = try? Data(contentsOf: url(d)) else { throw ClientError.notFound("photo \(d.hex)") }
        return try vault.open(sealed)
    }
}
