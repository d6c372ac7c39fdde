@preconcurrency import Crypto
import FieldRollCore
import Foundation

/// The single row every write transaction locks: where the commit log and the audit chain end,
/// and the server's clock.
///
/// Positions are `generation << 40 + n`: a restore from a backup starts a new generation, so
/// every position it hands out lies above any cursor a device took from the lost timeline.
public struct SyncHead: Sendable, Hashable {
    /// The last position handed out (0: none).
    public var position: Int64
    /// How many times this server was restored from a backup.
    public var generation: Int64
    /// The server's hybrid logical clock after its last write.
    public var clock: HLCTimestamp?
    /// The last audit entry's sequence number and hash (genesis: 0 and 64 zeros).
    public var auditSeq: Int64
    public var auditHash: String

    public init(
        position: Int64 = 0, generation: Int64 = 0, clock: HLCTimestamp? = nil, auditSeq: Int64 = 0, auditHash: String = AuditEntry.genesis
    ) {
        self.position = position
        self.generation = generation
        self.clock = clock
        self.auditSeq = auditSeq
        self.auditHash = auditHash
    }

    /// Bits of a position below the generation.
    public static let generationShift: Int64 = 40
}

/// A record's primary key.
public struct RecordKey: Sendable, Hashable {
    public var entity: EntityKind
    public var id: String

    public init(_ entity: EntityKind, _ id: String) {
        self.entity = entity
        self.id = id
    }
}

/// One change in the commit log: what a pull returns.
public struct LoggedChange: Sendable, Hashable {
    public var position: Int64
    public var changeID: ChangeID
    public var changeSet: ChangeSetID
    public var origin: NodeID
    public var region: RegionCode
    /// The change as canonical JSON.
    public var body: String
    /// The record it wrote, so the record's logged writes can be read back (nil: not known).
    public var record: RecordKey?

    public init(
        position: Int64, changeID: ChangeID, changeSet: ChangeSetID, origin: NodeID, region: RegionCode, body: String,
        record: RecordKey? = nil
    ) {
        self.position = position
        self.changeID = changeID
        self.changeSet = changeSet
        self.origin = origin
        self.region = region
        self.body = body
        self.record = record
    }
}

/// The answer once given for a change, kept so a retried push gets the same answer.
public struct StoredResult: Sendable, Hashable {
    public var result: ChangeResult
    /// The device that pushed it.
    public var device: NodeID

    public init(result: ChangeResult, device: NodeID) {
        self.result = result
        self.device = device
    }
}

/// A device as stored: its enrolment code (hashed) until redeemed, then its key and token (hashed).
public struct DeviceRow: Sendable, Hashable, Codable {
    public var id: NodeID
    public var name: String
    public var role: Role
    public var scope: RegionCode
    public var codeHash: String?
    public var codeExpiresAt: Int64?
    /// Base64 Ed25519 public key, once redeemed.
    public var publicKey: String?
    public var tokenHash: String?
    public var createdAt: Int64
    public var redeemedAt: Int64?
    public var revokedAt: Int64?
    public var lastSeenAt: Int64?

    public init(
        id: NodeID, name: String, role: Role, scope: RegionCode, codeHash: String? = nil, codeExpiresAt: Int64? = nil,
        publicKey: String? = nil,
        tokenHash: String? = nil, createdAt: Int64, redeemedAt: Int64? = nil, revokedAt: Int64? = nil, lastSeenAt: Int64? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.scope = scope
        self.codeHash = codeHash
        self.codeExpiresAt = codeExpiresAt
        self.publicKey = publicKey
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.redeemedAt = redeemedAt
        self.revokedAt = revokedAt
        self.lastSeenAt = lastSeenAt
    }

    /// pending (code issued), active (redeemed) or revoked.
    public var status: DeviceRecord.Status { revokedAt != nil ? .revoked : redeemedAt != nil ? .active : .pending }

    /// The device's verified public key, when it is active.
    public var activeKey: Curve25519.Signing.PublicKey? {
        guard status == .active, let publicKey else { return nil }
        return try? Curve25519.Signing.PublicKey(base64: publicKey)
    }
}

/// A device row to write; `replacing` renames a row (a device adopting its own id at enrolment).
public struct DeviceWrite: Sendable, Hashable {
    public var row: DeviceRow
    public var replacing: NodeID?

    public init(_ row: DeviceRow, replacing: NodeID? = nil) {
        self.row = row
        self.replacing = replacing
    }
}

/// A blob referenced by a record in a region (so devices in scope may read it).
public struct BlobReference: Sendable, Hashable {
    public var digest: FieldRollCore.SHA256Digest
    public var region: RegionCode

    public init(_ digest: FieldRollCore.SHA256Digest, _ region: RegionCode) {
        self.digest = digest
        self.region = region
    }
}

/// The server's identity: its node id (issuer of its cursors, origin of its own writes) and
/// signing key. Made once by `fieldroll-server init`.
public struct ServerIdentity: Sendable {
    public var node: NodeID
    public var key: Curve25519.Signing.PrivateKey

    public init(node: NodeID, key: Curve25519.Signing.PrivateKey) {
        self.node = node
        self.key = key
    }

    /// A new identity with a random node id.
    public static func generate() -> ServerIdentity {
        let suffix = UUID().uuidString.lowercased().prefix(8)
        // "server-" plus 8 hex digits is always a valid node id.
        let node = (try? NodeID("server-\(suffix)")) ?? (try? NodeID("server")) ?? ServerIdentity.fallbackNode
        return ServerIdentity(node: node, key: Curve25519.Signing.PrivateKey())
    }

    static let fallbackNode: NodeID = {
        do { return try NodeID("server") } catch { preconditionFailure("a literal node id is valid") }
    }()
}

/// What a transaction reads: for the pipeline to decide on (``TransactionalStorage/write(reading:_:)``),
/// or to look at (``TransactionalStorage/read(_:)``).
public struct ReadRequest: Sendable, Hashable {
    public var records: [RecordKey] = []
    /// Change ids whose earlier answers to look up (idempotency).
    public var changeIDs: [ChangeID] = []
    public var deviceIDs: [NodeID] = []
    public var deviceCodeHash: String?
    public var conflictIDs: [String] = []
    /// Every record of a kind inside a region, for decisions that range over many records (a
    /// household's visits and members, the standards, the enrolments a new standard reaches).
    public var scopes: [ScopeRead] = []
    /// Households whose cross-check flags to read.
    public var flagHouseholds: [HouseholdID] = []
    /// Staff accounts to read, by sign-in name.
    public var staffNames: [String] = []
    /// Records whose logged field writes to read into ``WriteSnapshot/history``, so an incoming
    /// write is checked against every write of its field it was concurrent with.
    public var histories: [RecordKey] = []

    public init(
        records: [RecordKey] = [], changeIDs: [ChangeID] = [], deviceIDs: [NodeID] = [], deviceCodeHash: String? = nil,
        conflictIDs: [String] = [], scopes: [ScopeRead] = [], flagHouseholds: [HouseholdID] = []
    ) {
        self.records = records
        self.changeIDs = changeIDs
        self.deviceIDs = deviceIDs
        self.deviceCodeHash = deviceCodeHash
        self.conflictIDs = conflictIDs
        self.scopes = scopes
        self.flagHouseholds = flagHouseholds
    }
}

/// Every record of one kind whose region lies in `scope` (nil: everywhere), read inside the
/// write transaction into ``WriteSnapshot/records``.
public struct ScopeRead: Sendable, Hashable {
    public var entity: EntityKind
    public var scope: RegionCode?

    public init(_ entity: EntityKind, in scope: RegionCode?) {
        self.entity = entity
        self.scope = scope
    }
}

/// What a transaction read: under the lock of the ``SyncHead`` in a write, from a snapshot that
/// takes no lock in a read.
public struct WriteSnapshot: Sendable {
    public var head: SyncHead
    /// The records named by key and those inside the request's ``ReadRequest/scopes``.
    public var records: [RecordKey: StoredRecord]
    /// The position of each record's last change, for the records above.
    public var positions: [RecordKey: Int64] = [:]
    public var results: [ChangeID: StoredResult]
    /// The devices named by id, and the one holding the code hash.
    public var devices: [DeviceRow]
    public var conflicts: [ConflictRecord]
    /// The cross-check flags of the households named.
    public var flags: [CrossCheckFlag]
    /// The staff accounts named (those that exist).
    public var staff: [StaffAccount] = []
    /// Every field write the commit log holds for the records named in
    /// ``ReadRequest/histories``, in log order (records without any are absent).
    public var history: [RecordKey: [FieldWrite]] = [:]

    public init(
        head: SyncHead, records: [RecordKey: StoredRecord] = [:], results: [ChangeID: StoredResult] = [:], devices: [DeviceRow] = [],
        conflicts: [ConflictRecord] = [], flags: [CrossCheckFlag] = []
    ) {
        self.head = head
        self.records = records
        self.results = results
        self.devices = devices
        self.conflicts = conflicts
        self.flags = flags
    }
}

/// The rows a transaction writes. Records, conflicts, staff accounts and place names are
/// upserts; changes, results, blob references, cross-check flags and audit entries are inserts
/// (a blob reference that exists is left alone).
public struct WriteSet: Sendable {
    /// The new head; nil leaves it as read.
    public var head: SyncHead?
    public var records: [StoredRecord] = []
    /// Each record's last position, by key, for the records above.
    public var recordPositions: [RecordKey: Int64] = [:]
    public var changes: [LoggedChange] = []
    public var results: [StoredResult] = []
    public var conflicts: [ConflictRecord] = []
    public var blobReferences: [BlobReference] = []
    public var devices: [DeviceWrite] = []
    /// New cross-check flags (the pipeline has checked they are new).
    public var flags: [CrossCheckFlag] = []
    /// Staff accounts to insert or replace.
    public var staff: [StaffAccount] = []
    /// Staff whose console sessions all end (a disabled account, a changed password).
    public var endSessionsOf: [String] = []
    /// Place names to insert or replace, by code (an import of the division list).
    public var placeNames: [PlaceName] = []
    public var audit: [AuditEntry] = []

    public init(head: SyncHead? = nil) { self.head = head }
}
