import FieldRollCore
import Foundation
import Synchronization

/// The bytes of a photo being downloaded, kept sealed in `photos/partial/HEX` until all of them
/// are in and hash to the photo's SHA-256.
///
/// Sealed, not plain: a download cut on a township link may wait days for the next sync, and
/// photo bytes are never on the device's disk unencrypted. The file is a run of records, each
/// a 4-byte big-endian length and one piece sealed with the store's key (AES-GCM), so bytes
/// can be added after a cut without rewriting what is there. A record cut short by a killed
/// process fails its length or its GCM check and is dropped when the download resumes, with
/// what follows it.
///
/// One download writes a given partial at a time (the sync engine downloads one photo after
/// the other); the lock only makes the hand-over between libcurl's thread and the task safe.
final class PartialPhoto: Sendable {
    let url: URL
    let vault: Vault
    /// How many plaintext bytes a record holds at most before it is sealed and written.
    static let recordBytes = 256 * 1024

    private struct State {
        var handle: FileHandle?
        /// Plaintext bytes on disk, sealed.
        var stored: Int64
        /// Plaintext bytes received but not yet sealed and written.
        var pending = Data()
    }
    private let state: Mutex<State>

    /// Opens the partial file of `url`, dropping a damaged tail; `held` says how many bytes it keeps.
    init(url: URL, vault: Vault) throws {
        self.url = url
        self.vault = vault
        let (_, held, validLength) = try Self.readRecords(url, vault: vault, keep: false)
        if let size = try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int64, size > validLength {
            let handle = try FileHandle(forWritingTo: url)
            try handle.truncate(atOffset: UInt64(validLength))
            try handle.close()
        }
        state = Mutex(State(handle: nil, stored: held))
    }

    /// The bytes held so far (on disk and waiting to be written).
    var held: Int64 { state.withLock { $0.stored + Int64($0.pending.count) } }

    /// Adds `bytes` that start at `position` of the photo. Position 0 while bytes are held starts
    /// over (the server sent the whole photo); any other position must be where the held bytes end.
    func append(_ bytes: Data, at position: Int64) throws {
        try state.withLock { s in
            if position == 0, s.stored + Int64(s.pending.count) > 0 {
                try? s.handle?.close()
                s.handle = nil
                try? FileManager.default.removeItem(at: url)
                s.stored = 0
                s.pending = Data()
            }
            guard position == s.stored + Int64(s.pending.count) else {
                throw ClientError(
                    .invalidHeader, "the server sent bytes from \(position), this device holds \(s.stored + Int64(s.pending.count))")
            }
            s.pending.append(bytes)
            if s.pending.count >= Self.recordBytes { try write(&s) }
        }
    }

    /// Seals and writes what is pending, and flushes the file to disk.
    func flush() throws {
        try state.withLock { s in
            try write(&s)
            try s.handle?.synchronize()
        }
    }

    /// Closes the file; pending bytes are written first.
    func close() throws {
        try state.withLock { s in
            defer {
                try? s.handle?.close()
                s.handle = nil
            }
            try write(&s)
            try s.handle?.synchronize()
        }
    }

    private func write(_ s: inout State) throws {
        guard !s.pending.isEmpty else { return }
        if s.handle == nil {
            if !FileManager.default.fileExists(atPath: url.path) {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw ClientError(.storageFailure, "cannot write a photo download (is the disk full?)")
                }
            }
            let handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
            s.handle = handle
        }
        let sealed = try vault.seal(s.pending)
        var length = UInt32(sealed.count).bigEndian
        var record = Data(bytes: &length, count: 4)
        record.append(sealed)
        do { try s.handle?.write(contentsOf: record) } catch {
            throw ClientError(.storageFailure, "cannot write a photo download (is the disk full?)")
        }
        s.stored += Int64(s.pending.count)
        s.pending = Data()
    }

    /// Every byte held, decrypted; the file must be closed.
    func bytes() throws -> Data { try Self.readRecords(url, vault: vault, keep: true).bytes }

    /// Reads the records of a partial file: the plaintext (when `keep`), how many bytes it holds,
    /// and the length of the file's valid prefix.
    private static func readRecords(_ url: URL, vault: Vault, keep: Bool) throws -> (bytes: Data, held: Int64, validLength: Int) {
        guard let file = try? Data(contentsOf: url) else { return (Data(), 0, 0) }
        var out = Data()
        var held: Int64 = 0
        var at = 0
        while at + 4 <= file.count {
            let length = file[file.startIndex + at..<file.startIndex + at + 4].reduce(0) { $0 << 8 | Int($1) }
            let end = at + 4 + length
            guard length > 0, end <= file.count,
                let piece = try? vault.open(Data(file[file.startIndex + at + 4..<file.startIndex + end]))
            else { break }
            held += Int64(piece.count)
            if keep { out.append(piece) }
            at = end
        }
        return (out, held, at)
    }
}

extension PhotoStore {
    /// Where the sealed bytes of an unfinished download of `d` are kept.
    func partialURL(_ d: SHA256Digest) -> URL { root.appendingPathComponent("partial").appendingPathComponent(d.hex) }

    /// Whether the sealed photo `d` is on this device.
    func has(_ d: SHA256Digest) -> Bool { FileManager.default.fileExists(atPath: url(d).path) }

    /// Opens (or starts) the download of `d`.
    func partial(_ d: SHA256Digest) throws -> PartialPhoto { try PartialPhoto(url: partialURL(d), vault: vault) }

    /// Deletes an unfinished download.
    func discardPartial(_ d: SHA256Digest) { try? FileManager.default.removeItem(at: partialURL(d)) }

    /// Keeps a finished download as a photo of this store — sealed whole, exactly like a photo
    /// taken here — if its bytes hash to `d`; otherwise deletes them. Either way the partial
    /// file is gone afterwards.
    /// - Returns: whether the photo was kept.
    func finish(_ partial: PartialPhoto, as d: SHA256Digest) throws -> Bool {
        try partial.close()
        defer { discardPartial(d) }
        let bytes = try partial.bytes()
        guard SHA256Digest(of: bytes) == d else { return false }
        _ = try put(bytes)
        return true
    }
}
