@preconcurrency import Crypto
import FieldRollCore

/// Everything the server keeps, behind one interface: SQLite (``SQLiteStorage``) now,
/// PostgreSQL to follow. Both run the same rules (``ChangeApplier``) and pass the same tests.
///
/// Every method is one transaction: it either happens whole or leaves storage as it was.
public protocol SyncStorage: Sendable {
    /// This server's node id: the issuer of its cursors and the origin of its own writes.
    var serverNode: NodeID { get }
    /// The server's signing key, for the change sets it makes itself (imports, resolutions).
    var serverKey: Curve25519.Signing.PrivateKey { get }

    // MARK: Devices

    /// Registers a device awaiting enrolment; returns its id. Only the code's hash is kept.
    func createDevice(name: String, role: Role, scope: RegionCode, codeHash: String, expiresAt: Int64, now: Int64) async throws -> NodeID
    /// Redeems a one-time code: binds the device's public key and token, and adopts the id the
    /// device proposes (the node id its offline stamps already carry) if it is free. Throws
    /// `unauthorized` for an unknown, used or expired code.
    func redeem(codeHash: String, publicKey: Curve25519.Signing.PublicKey, tokenHash: String, proposedID: NodeID?, now: Int64) async throws -> DeviceIdentity
    /// The active device holding a token. Throws `unauthorized` or `device-revoked`.
    func identity(tokenHash: String, now: Int64) async throws -> DeviceIdentity
    /// Revokes a device at once; its token stops working on the next request.
    func revoke(_ device: NodeID, by actor: String, now: Int64) async throws
    func devices() async throws -> [DeviceRecord]

    // MARK: Sync

    /// Applies change sets in one transaction and answers per change.
    func push(_ changeSets: [ChangeSet], pusher: NodeID, writer: WriterContext, now: Int64, maxDrift: Int64) async throws -> PushResponse
    /// A page of the commit log after `position`, inside `scope`.
    func pull(after position: Int64, scope: RegionCode, limit: Int, now: Int64) async throws -> PullPage
    /// Records of one kind whose region lies in `scope` (nil: everywhere), for import and export.
    func records(of entity: EntityKind, in scope: RegionCode?) async throws -> [StoredRecord]

    // MARK: Blobs

    /// Notes that a device uploaded a blob (so it may read it back).
    func recordBlob(_ digest: FieldRollCore.SHA256Digest, size: Int64, uploader: NodeID, now: Int64) async throws
    /// Whether a blob is referenced by a record in `scope`, or was uploaded by `device`.
    func blobVisible(_ digest: FieldRollCore.SHA256Digest, scope: RegionCode, device: NodeID) async throws -> Bool

    // MARK: Conflicts and audit

    /// Conflicts inside `scope` (nil: everywhere).
    func conflicts(includeResolved: Bool, scope: RegionCode?) async throws -> [ConflictRecord]
    /// Closes a conflict: keeps the winner, or writes the loser's value anew as the server.
    func resolveConflict(id: String, chooseLoser: Bool, by actor: String, now: Int64) async throws -> ConflictRecord
    /// Appends an admin action to the hash-chained audit log.
    func audit(actor: String, action: String, subject: String, detail: String, now: Int64) async throws
    /// Recomputes the audit chain.
    func verifyAudit() async throws -> AuditVerification
}

/// Storage failed (disk full, database locked past its timeout, damaged file). Nothing was
/// written by the operation that failed.
public struct StorageError: FieldRollError {
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode = .storageFailure, _ message: String) {
        self.code = code
        self.message = message
    }
}
