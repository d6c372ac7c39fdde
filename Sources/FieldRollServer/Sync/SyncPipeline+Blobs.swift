import FieldRollCore
import Foundation

extension SyncPipeline {
    /// Whether `device` may upload photos at all: asked before a byte of the upload is accepted.
    /// - Throws: ``ProblemDetails`` `forbidden` for a role that records no photos.
    public func checkUpload(by device: DeviceIdentity) throws(ProblemDetails) {
        guard RolePolicy.may(device.role, write: .photo) else {
            throw ProblemDetails(.forbidden, detail: "a \(device.role.rawValue) may not upload photos")
        }
    }

    /// Records that `device` holds a complete, hash-checked blob on the server (its bytes are in
    /// the blob folder): who uploaded it decides, with the records' scopes, who may download it.
    /// - Throws: `forbidden` as ``checkUpload(by:)``; storage errors.
    public func recordUpload(_ digest: SHA256Digest, size: Int64, by device: DeviceIdentity, now: Int64) async throws {
        try checkUpload(by: device)
        try await timed("blob") { try await storage.recordBlob(digest, size: size, uploader: device.id, at: now) }
    }

    /// Whether `device` may download the blob: a record inside its scope refers to it, or it
    /// uploaded it itself. Out of scope and absent are the same answer.
    public func mayDownload(_ digest: SHA256Digest, by device: DeviceIdentity) async throws -> Bool {
        try await timed("blob") { try await storage.blobVisible(digest, scope: device.scope, device: device.id) }
    }
}
