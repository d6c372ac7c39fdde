@preconcurrency import Crypto
import FieldRollCore
import Foundation
import NIOCore
import Synchronization
import _NIOFileSystem

/// Content-addressed files: `blobs/ab/abcdef…` once verified, `blobs/partial/abcdef…` while an
/// upload is under way. A blob is kept only after its bytes hash to its name.
///
/// Every read and write goes through NIO's non-blocking `FileSystem` (its own thread pool), in
/// chunks: neither the event loops nor the cooperative pool block on the disk, and a 50 MB photo
/// is never held in memory whole.
public final class BlobStore: Sendable {
    public let root: URL
    private let busy = Mutex<Set<String>>([])
    private let fileSystem = FileSystem.shared

    /// How many bytes an upload gathers in memory before one write to disk.
    static let writeChunk = 256 * 1024
    /// How many bytes a download or a hash reads from disk at a time.
    static let readChunk: ByteCount = .kibibytes(256)

    public init(root: String) throws {
        self.root = URL(fileURLWithPath: root)
        try FileManager.default.createDirectory(at: self.root.appendingPathComponent("partial"), withIntermediateDirectories: true)
    }

    func finalURL(_ d: FieldRollCore.SHA256Digest) -> URL {
        root.appendingPathComponent(String(d.hex.prefix(2))).appendingPathComponent(d.hex)
    }
    func partialURL(_ d: FieldRollCore.SHA256Digest) -> URL { root.appendingPathComponent("partial").appendingPathComponent(d.hex) }
    private func path(_ url: URL) -> FilePath { FilePath(url.path) }

    /// The size of a complete blob, or nil.
    public func size(of d: FieldRollCore.SHA256Digest) async -> Int64? {
        guard let info = try? await fileSystem.info(forFileAt: path(finalURL(d))) else { return nil }
        return info.size
    }

    /// How many bytes of an unfinished upload the server holds (0 when none).
    public func partialSize(of d: FieldRollCore.SHA256Digest) async -> Int64 {
        (try? await fileSystem.info(forFileAt: path(partialURL(d))))?.size ?? 0
    }

    /// Claims the right to upload `d`; false when another upload of it is running.
    func claim(_ d: FieldRollCore.SHA256Digest) -> Bool { busy.withLock { $0.insert(d.hex).inserted } }
    func release(_ d: FieldRollCore.SHA256Digest) { _ = busy.withLock { $0.remove(d.hex) } }

    /// How an ``append(_:to:at:total:)`` ended.
    enum AppendOutcome: Equatable {
        /// The body ended before `total` bytes: the partial file holds `received` bytes.
        case incomplete(received: Int64)
        /// All `total` bytes are in and hash to the name; the blob is kept.
        case complete
        /// All `total` bytes are in but hash to something else; the partial file is gone.
        case hashMismatch
        /// The body ran past `total`; the partial file is gone.
        case tooLong
    }

    /// The disk refused a write; `kept` bytes of the upload are safe in the partial file.
    struct WriteFailure: Error {
        var kept: Int64
        var underlying: any Error
    }

    /// Streams `body` onto the end of `d`'s partial file, which must hold exactly `offset` bytes
    /// (the caller holds the ``claim(_:)`` and has checked that), hashing as the bytes go by.
    ///
    /// Every byte that arrived is on disk when this returns or throws — a cut connection loses
    /// nothing that reached the server. When the partial file reaches `total` bytes, its SHA-256
    /// decides: kept under its name, or deleted. A resumed upload first hashes the bytes it
    /// already holds (streamed from disk), so the digest never needs a second pass.
    /// - Throws: the body's own error (a cut connection), or ``WriteFailure``.
    func append<Body: AsyncSequence>(_ body: Body, to d: FieldRollCore.SHA256Digest, at offset: Int64, total: Int64) async throws
        -> AppendOutcome where Body.Element == ByteBuffer
    {
        let partial = path(partialURL(d))
        var hasher = SHA256()
        var written = offset
        let outcome: AppendOutcome? = try await fileSystem.withFileHandle(
            forReadingAndWritingAt: partial, options: .modifyFile(createIfNecessary: true)
        ) { handle in
            if offset > 0 {
                for try await chunk in handle.readChunks(in: 0..<offset, chunkLength: Self.readChunk) {
                    chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                }
            }
            var pending = ByteBuffer()
            func flush() async throws {
                guard pending.readableBytes > 0 else { return }
                do { _ = try await handle.write(contentsOf: pending.readableBytesView, toAbsoluteOffset: written) } catch {
                    throw WriteFailure(kept: written, underlying: error)
                }
                written += Int64(pending.readableBytes)
                pending.clear()
            }
            do {
                for try await chunk in body {
                    guard written + Int64(pending.readableBytes) + Int64(chunk.readableBytes) <= total else { return .tooLong }
                    chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
                    var chunk = chunk
                    pending.writeBuffer(&chunk)
                    if pending.readableBytes >= Self.writeChunk { try await flush() }
                }
            } catch let failure as WriteFailure {
                throw failure
            } catch {
                // The connection was cut: keep what arrived, then report the cut.
                try await flush()
                try? await handle.synchronize()
                throw error
            }
            try await flush()
            do { try await handle.synchronize() } catch { throw WriteFailure(kept: written, underlying: error) }
            return nil
        }
        if outcome == .tooLong {
            await discardPartial(d)
            return .tooLong
        }
        guard written == total else { return .incomplete(received: written) }
        guard FieldRollCore.SHA256Digest(hasher.finalize()) == d else {
            await discardPartial(d)
            return .hashMismatch
        }
        let target = path(finalURL(d))
        try await fileSystem.createDirectory(at: path(finalURL(d).deletingLastPathComponent()), withIntermediateDirectories: true)
        if try await fileSystem.info(forFileAt: target) != nil {
            _ = try await fileSystem.removeItem(at: partial)
        } else {
            try await fileSystem.moveItem(at: partial, to: target)
        }
        return .complete
    }

    /// The bytes `range` of a complete blob, read from disk a chunk at a time as the consumer asks.
    /// - Parameter write: called with each chunk, in order; the next read waits for it.
    func read(_ d: FieldRollCore.SHA256Digest, range: Range<Int64>, into write: (ByteBuffer) async throws -> Void) async throws {
        try await fileSystem.withFileHandle(forReadingAt: path(finalURL(d))) { handle in
            for try await chunk in handle.readChunks(in: range, chunkLength: Self.readChunk) {
                try await write(chunk)
            }
        }
    }

    /// Discards an unfinished upload.
    func discardPartial(_ d: FieldRollCore.SHA256Digest) async { _ = try? await fileSystem.removeItem(at: path(partialURL(d))) }
}
