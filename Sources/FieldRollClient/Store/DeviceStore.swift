@preconcurrency import Crypto
import FieldRollCore
import Foundation
import GRDB
import Synchronization

/// A field device's local store: everything a caseworker or kiosk records offline, and the
/// outbox of change sets waiting for the server.
///
/// One folder: `fieldroll.sqlite` (WAL) and `photos/`. Every action — adding a household, a
/// visit with its photos, a check-in — is one SQLite transaction that updates the local records,
/// appends the signed change set to the outbox and advances the clock together, so a killed
/// process leaves either all of it or none. Resident ID and phone numbers, outbox bodies,
/// immutable records and photo files are encrypted with the store's key (see ``Vault``).
///
/// ```swift
/// let store = try DeviceStore.create(at: dir, credential: .passphrase("…"), name: "李敏的平板")
/// let h = try store.addHousehold(Household(region: village, address: "…", headName: "王建国",
///                                          housing: .selfBuilt, declaredMonthlyIncome: .yuan(600)))
/// ```
public final class DeviceStore: Sendable {
    /// This device's replica id: every stamp and change set it makes carries it.
    public let deviceID: NodeID
    /// The device's name, as given at creation (`李敏的平板`).
    public let name: String
    let signingKey: Curve25519.Signing.PrivateKey
    let vault: Vault
    let pool: DatabasePool
    let photos: PhotoStore
    /// The machine's wall clock in ms; tests inject a wrong one.
    let wallClock: @Sendable () -> Int64
    /// The correction learnt from the server after a `clock-skew` refusal, in ms.
    let clockOffset = Mutex<Int64>(0)
    /// One sync at a time on this store (``SyncEngine/sync()``).
    let syncGate = SyncGate()

    /// The device's idea of now: the wall clock plus any correction learnt from the server.
    func now() -> Int64 { wallClock() + clockOffset.withLock { $0 } }

    /// The device's public key, registered with the server at enrolment.
    public var publicKey: Curve25519.Signing.PublicKey { signingKey.publicKey }

    /// The database file's name inside the store's folder.
    public static let databaseName = "fieldroll.sqlite"

    /// The system clock in milliseconds.
    public static let systemClock: @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    init(
        deviceID: NodeID, name: String, signingKey: Curve25519.Signing.PrivateKey, vault: Vault, pool: DatabasePool, directory: URL,
        now: @escaping @Sendable () -> Int64
    ) {
        self.deviceID = deviceID
        self.name = name
        self.signingKey = signingKey
        self.vault = vault
        self.pool = pool
        self.photos = PhotoStore(root: directory.appendingPathComponent("photos"), vault: vault)
        self.wallClock = now
        let stored: Data? = (try? pool.read { try Data.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'clock_offset'") }) ?? nil
        let offset = stored.flatMap { Int64(String(decoding: $0, as: UTF8.self)) } ?? 0
        clockOffset.withLock { $0 = offset }
    }

    static func openPool(_ directory: URL) throws -> DatabasePool {
        var config = Configuration()
        config.busyMode = .timeout(5)
        // FULL: a change acknowledged to the person survives a power cut, not only a crash.
        config.prepareDatabase { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        do {
            return try DatabasePool(path: directory.appendingPathComponent(databaseName).path, configuration: config)
        } catch {
            throw ClientError(.storageFailure, "cannot open the store in \(directory.path): \(error)")
        }
    }

    /// Makes a new store with a fresh device key pair and id.
    /// - Throws: `invalid-record` if a store already exists there.
    public static func create(at directory: URL, credential: Credential, name: String, now: @escaping @Sendable () -> Int64 = systemClock)
        throws -> DeviceStore
    {
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent(databaseName).path) {
            throw ClientError(.invalidRecord, "a store already exists in \(directory.path)")
        }
        // The credential is checked (and the key derived) before anything is written, so a weak
        // passphrase leaves no folder behind.
        let (vault, wrapped, salt) = try Vault.create(credential)
        let existed = FileManager.default.fileExists(atPath: directory.path)
        do {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("photos"), withIntermediateDirectories: true)
            let pool = try openPool(directory)
            try ClientSchema.migrator.migrate(pool)
            let key = Curve25519.Signing.PrivateKey()
            let id = try NodeID(UUID().uuidString.lowercased())
            let sealedKey = try vault.seal(key.rawRepresentation)
            try pool.write { db in
                for (k, v) in [
                    ("device", Data(id.rawValue.utf8)), ("name", Data(name.utf8)), ("wrapped_key", wrapped), ("salt", salt),
                    ("signing_key", sealedKey),
                    ("credential", Data((credential.isKeyFile ? "key-file" : "passphrase").utf8)),
                ] {
                    try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [k, v])
                }
            }
            return DeviceStore(deviceID: id, name: name, signingKey: key, vault: vault, pool: pool, directory: directory, now: now)
        } catch {
            if !existed { try? FileManager.default.removeItem(at: directory) }
            throw error
        }
    }

    /// Opens an existing store, migrating an older schema.
    /// - Throws: `wrong-key` for a credential that does not unlock it, `not-found` when there
    ///   is no store.
    public static func open(at directory: URL, credential: Credential, now: @escaping @Sendable () -> Int64 = systemClock) throws
        -> DeviceStore
    {
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(databaseName).path) else {
            throw ClientError(.notFound, "no device store in \(directory.path); run `fieldroll init` first")
        }
        let pool = try openPool(directory)
        try ClientSchema.migrator.migrate(pool)
        let meta = try pool.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT key, value FROM meta").map {
                    ($0["key"] as String, $0["value"] as Data)
                })
        }
        guard let wrapped = meta["wrapped_key"], let salt = meta["salt"], let sealedKey = meta["signing_key"], let idData = meta["device"]
        else {
            throw ClientError(.storageFailure, "the store in \(directory.path) is incomplete")
        }
        let vault = try Vault.open(credential, wrapped: wrapped, salt: salt)
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: vault.open(sealedKey))
        let id = try NodeID(String(decoding: idData, as: UTF8.self))
        return DeviceStore(
            deviceID: id, name: meta["name"].map { String(decoding: $0, as: UTF8.self) } ?? "", signingKey: key, vault: vault, pool: pool,
            directory: directory, now: now)
    }

    // MARK: Transactions

    /// Runs `body` in one write transaction with the device clock and a change-set builder; the
    /// staged changes are signed and appended to the outbox in the same transaction.
    func commit<T: Sendable>(_ body: @escaping @Sendable (inout LocalTransaction) throws -> T) throws -> T {
        let transaction = self.transaction(body)
        return try storageErrors { try pool.write(transaction) }
    }

    /// ``commit(_:)`` for async callers (the sync engine): GRDB runs the transaction on its
    /// writer queue while the task is suspended, so no thread of the cooperative pool waits on
    /// SQLite or the disk.
    func commit<T: Sendable>(_ body: @escaping @Sendable (inout LocalTransaction) throws -> T) async throws -> T {
        let transaction = self.transaction(body)
        do { return try await pool.write(transaction) } catch let e as DatabaseError { throw Self.storageError(e) }
    }

    /// The body of one ``commit(_:)``, the same for its sync and async forms.
    private func transaction<T>(_ body: @escaping @Sendable (inout LocalTransaction) throws -> T) -> @Sendable (Database) throws -> T {
        let (id, key, vault, physical) = (deviceID, signingKey, vault, now())
        return { db in
            let changesBefore = db.totalChangesCount
            var tx = LocalTransaction(db: db, vault: vault, clock: try Self.loadClock(db, node: id), physical: physical)
            let result = try body(&tx)
            if !tx.staged.isEmpty {
                let set = try ChangeSet(origin: id, stamp: tx.tick(), changes: tx.staged).signed(with: key)
                let json = set.json.canonicalBytes
                try db.execute(
                    sql: "INSERT INTO outbox (change_set_id, body, changes, size, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [set.id.description, try vault.seal(json), set.changes.count, json.count, physical])
            }
            try Self.saveClock(db, tx.clock)
            // SQLite tells observers nothing of WITHOUT ROWID tables: the transaction does.
            if db.totalChangesCount != changesBefore {
                for table in Self.observedTables { try db.notifyChanges(in: Table(table)) }
            }
            return result
        }
    }

    /// The WITHOUT ROWID tables observations read (``householdUpdates(_:)``, ``pendingUpdates()``):
    /// every write transaction that changes anything notifies them.
    static let observedTables = ["records", "bodies", "photos", "sync_state", "rejected", "conflicts"]

    private func storageErrors<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as DatabaseError { throw Self.storageError(e) }
    }

    static func storageError(_ e: DatabaseError) -> ClientError {
        ClientError(
            .storageFailure,
            e.resultCode == .SQLITE_FULL ? "the device's disk is full; nothing was saved" : "the store failed: \(e.message ?? "")")
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try pool.read(body) } catch let e as DatabaseError {
            throw ClientError(.storageFailure, "the store failed: \(e.message ?? "")")
        }
    }

    /// ``read(_:)`` for async callers: the read runs on one of GRDB's reader queues.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await pool.read(body) } catch let e as DatabaseError {
            throw ClientError(.storageFailure, "the store failed: \(e.message ?? "")")
        }
    }

    static func loadClock(_ db: Database, node: NodeID) throws -> HybridLogicalClock {
        let last = try Data.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'clock'").flatMap {
            try? HLCTimestamp(String(decoding: $0, as: UTF8.self))
        }
        return HybridLogicalClock(node: node, last: last)
    }

    static func saveClock(_ db: Database, _ clock: HybridLogicalClock) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('clock', ?)", arguments: [Data(clock.last.description.utf8)])
    }
}

extension Credential {
    var isKeyFile: Bool { if case .keyFile = self { true } else { false } }
}

/// One local write transaction: the database, the clock, and the changes to sign together.
struct LocalTransaction {
    let db: Database
    let vault: Vault
    var clock: HybridLogicalClock
    let physical: Int64
    var staged: [Change] = []

    mutating func tick() -> HLCTimestamp { clock.tick(now: physical) }

    /// The stored state of a field-merged record, sensitive fields decrypted.
    func state(_ entity: EntityKind, _ id: String) throws -> (RecordState, RegionCode)? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT region, state FROM records WHERE entity = ? AND id = ?"), arguments: [entity.rawValue, id])
        else { return nil }
        return (try RecordCodec.decodeState(row["state"], entity: entity, vault: vault), try RegionCode(row["region"] as String))
    }

    /// Applies writes to the local record and stages them as one change.
    mutating func write(_ entity: EntityKind, id: String, region: RegionCode, household: String?, _ writes: [FieldWrite]) throws {
        var state = try self.state(entity, id)?.0 ?? RecordState()
        _ = FieldMerge.apply(writes, to: &state)
        try RecordCodec.save(db, entity: entity, id: id, region: region, household: household, state: state, vault: vault)
        staged.append(Change(entity: entity, record: id, region: region, payload: .writes(writes)))
    }

    /// Stores an immutable record and stages it.
    mutating func insert(
        _ entity: EntityKind, id: String, region: RegionCode, household: String?, member: String?, at: Int64?, body: JSONValue
    ) throws {
        try RecordCodec.insertBody(
            db, entity: entity, id: id, region: region, household: household, member: member, at: at, body: body, vault: vault)
        staged.append(Change(entity: entity, record: id, region: region, payload: .body(body)))
    }
}

/// How records are laid out in the device database (shared by local writes and pulled changes).
enum RecordCodec {
    static func decodeState(_ text: String, entity: EntityKind, vault: Vault) throws -> RecordState {
        var state = try RecordState(json: JSONValue(parsing: text.utf8))
        for name in entity.schema?.sensitiveFields ?? [] {
            if var f = state.fields[name] {
                f.value = try vault.openField(f.value)
                state.fields[name] = f
            }
        }
        return state
    }

    static func save(
        _ db: Database, entity: EntityKind, id: String, region: RegionCode, household: String?, state: RecordState, vault: Vault
    ) throws {
        var sealed = state
        for name in entity.schema?.sensitiveFields ?? [] {
            if var f = sealed.fields[name] {
                f.value = try vault.sealField(f.value)
                sealed.fields[name] = f
            }
        }
        // Cached statements: a pulled page saves hundreds of records in one transaction.
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO records (entity, id, region, household_id, state) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [entity.rawValue, id, region.digits, household, CanonicalJSON.string(sealed.json)])
    }

    static func insertBody(
        _ db: Database, entity: EntityKind, id: String, region: RegionCode, household: String?, member: String?, at: Int64?,
        body: JSONValue, vault: Vault
    ) throws {
        try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO bodies (entity, id, region, household_id, member_id, at, body) VALUES (?, ?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [entity.rawValue, id, region.digits, household, member, at, try vault.seal(body.canonicalBytes)])
        if entity == .photo { try notePhotoRecord(db, id: id, region: region, at: at, body: body) }
    }

    /// Notes a photo record's content address in `photo_refs`, so the sync knows which photo
    /// bytes this device lacks. A record that does not decode as a photo is skipped: the bytes
    /// of a photo nobody can name are not fetched.
    static func notePhotoRecord(_ db: Database, id: String, region: RegionCode, at: Int64?, body: JSONValue) throws {
        guard let photo = try? body.decode(as: Photo.self) else { return }
        try db.execute(
            sql: "INSERT OR IGNORE INTO photo_refs (photo_id, sha256, size, media_type, region, at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [id, photo.sha256.hex, photo.size, photo.mediaType, region.digits, at ?? photo.takenAt.millis])
    }
}
