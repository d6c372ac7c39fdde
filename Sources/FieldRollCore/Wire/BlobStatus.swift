/// The answer to a blob `PUT /v1/blobs/{sha256}`: how much of the blob the server holds.
///
/// `202 Accepted` with `complete: false` when the upload stopped short (send the rest from
/// `received`); `200`/`201` with `complete: true` once every byte is in and hashes to `sha256`.
///
/// ```json
/// {"complete":false,"received":65536,"sha256":"9f86d081…","size":204800}
/// ```
public struct BlobStatus: Hashable, Codable, Sendable {
    /// The SHA-256 of the blob's bytes, its name.
    public var sha256: SHA256Digest
    /// The blob's total size in bytes (`Upload-Length`).
    public var size: Int64
    /// Bytes the server holds, from the start.
    public var received: Int64
    /// Whether every byte is in and verified.
    public var complete: Bool

    /// Makes the answer for a blob of `size` bytes of which the server holds `received`.
    public init(sha256: SHA256Digest, size: Int64, received: Int64, complete: Bool) {
        self.sha256 = sha256
        self.size = size
        self.received = received
        self.complete = complete
    }
}
