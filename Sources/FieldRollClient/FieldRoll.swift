@_exported import FieldRollCore
import Foundation

/// Where a field app starts: open (or create) the device's encrypted store off the caller's
/// thread, enrol it with the office's one-time code, then work on the ``DeviceStore`` and sync
/// with a ``SyncEngine``.
///
/// ```swift
/// let store = try await FieldRoll.create(at: folder, credential: .passphrase(p), name: "李敏的平板")
/// let grant = try await store.enrol(server: ServerEndpoint(baseURL: "https://fieldroll.county.example"), code: "K7QM-2XHP-9R4T")
/// let report = try await SyncEngine(enrolledStore: store).sync()
/// ```
///
/// Opening stretches the passphrase with scrypt (about half a second on a phone): these
/// functions run it on a dispatch queue, never on Swift's cooperative pool, so a UI stays
/// responsive and other tasks keep running; ``DeviceStore/perform(_:)`` does the same for any
/// read or write of the store.
public enum FieldRoll {
    /// Opens the store in `directory` (migrating an older schema).
    /// - Throws: ``ClientError`` `wrong-key` for a credential that does not unlock it,
    ///   `not-found` when there is no store.
    public static func open(
        at directory: URL, credential: Credential, now: @escaping @Sendable () -> Int64 = DeviceStore.systemClock
    ) async throws -> DeviceStore {
        try await offPool { try DeviceStore.open(at: directory, credential: credential, now: now) }
    }

    /// Creates a new store in `directory`, with a new device id and signing key.
    /// - Throws: ``ClientError`` when a store is already there or the folder cannot be written.
    public static func create(
        at directory: URL, credential: Credential, name: String, now: @escaping @Sendable () -> Int64 = DeviceStore.systemClock
    ) async throws -> DeviceStore {
        try await offPool { try DeviceStore.create(at: directory, credential: credential, name: name, now: now) }
    }

    /// Runs blocking work on a dispatch queue (not Swift's cooperative pool) and resumes the
    /// caller with its result.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try work() }) }
        }
    }
}

extension DeviceStore {
    /// Runs `work` — any of the store's reads and writes, or several — on a dispatch queue, off
    /// Swift's cooperative pool, and returns its result: the async door to the whole store API.
    ///
    /// ```swift
    /// let list = try await store.perform { try $0.households(in: village) }
    /// try await store.perform { try $0.editHousehold(id) { $0.phone = phone } }
    /// ```
    ///
    /// Each call inside is its own transaction, as when called directly; GRDB keeps the reads
    /// concurrent and the writes one at a time.
    @discardableResult
    public func perform<T: Sendable>(_ work: @escaping @Sendable (DeviceStore) throws -> T) async throws -> T {
        try await FieldRoll.offPool { [self] in try work(self) }
    }

    /// Enrols this device with the server at `endpoint` using the one-time code the office
    /// printed (`fieldroll-server device enroll`, or the console's devices page), and keeps the
    /// grant — server, role, scope and the bearer token, sealed like other secrets — for every
    /// later sync. Enrolling again (a new code) replaces the grant.
    /// - Throws: ``RemoteProblem`` as the server refused (`invalid-code`, an expired code, …),
    ///   ``ClientError`` `network` or `untrusted-server` when it could not be reached.
    @discardableResult
    public func enrol(server endpoint: ServerEndpoint, code: String) async throws -> EnrolmentGrant {
        let grant = try await SyncAPI(http: endpoint.makeClient()).enrol(code: code, publicKey: publicKey, device: deviceID)
        let record = EnrolmentRecord(
            endpoint: endpoint, token: grant.token, server: grant.server, serverPublicKey: grant.serverPublicKey, role: grant.role,
            scope: grant.scope)
        try await FieldRoll.offPool { [self] in try saveEnrolment(record) }
        return grant
    }
}
