@preconcurrency import Crypto
import FieldRollCore
import Foundation

extension SyncPipeline {
    /// Registers a device awaiting enrolment; returns its id. Only the code's hash is kept.
    /// `principal` must be an admin whose scope holds the device's.
    /// - Throws: `forbidden`, `scope-violation`.
    public func createDevice(
        name: String, role: Role, scope: RegionCode, codeHash: String, expiresAt: Int64, as principal: Principal, now: Int64
    ) async throws
        -> NodeID
    {
        try principal.authorize(.enrolDevice, at: scope)
        let actor = principal.actor
        let id = try NodeID(UUID().uuidString.lowercased())
        let node = serverNode
        try await storage.write(reading: ReadRequest()) { snapshot in
            var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
            batch.put(DeviceRow(id: id, name: name, role: role, scope: scope, codeHash: codeHash, codeExpiresAt: expiresAt, createdAt: now))
            batch.audit(
                actor: actor, action: "device.enrolment-issued", subject: id.rawValue,
                detail: "\(role.rawValue) \(name) scope \(scope)")
            return (batch.finish(), ())
        }
        return id
    }

    /// Redeems a one-time code: binds the device's public key and token, and adopts the id the
    /// device proposes (the node id its offline stamps already carry) if it is free.
    /// - Throws: `unauthorized` for an unknown, used or expired code; `invalid-record` for a
    ///   proposed id that is taken.
    public func redeem(codeHash: String, publicKey: Curve25519.Signing.PublicKey, tokenHash: String, proposedID: NodeID?, now: Int64)
        async throws
        -> DeviceIdentity
    {
        let node = serverNode
        let request = ReadRequest(deviceIDs: proposedID.map { [$0] } ?? [], deviceCodeHash: codeHash)
        return try await storage.write(reading: request) { snapshot in
            guard var row = snapshot.devices.first(where: { $0.codeHash == codeHash }), row.redeemedAt == nil, row.revokedAt == nil else {
                throw ProblemDetails(.unauthorized, detail: "this enrolment code is unknown or was already used")
            }
            if let expires = row.codeExpiresAt, expires < now {
                throw ProblemDetails(.unauthorized, detail: "this enrolment code has expired; ask the central office for a new one")
            }
            let issued = row.id
            if let proposedID, proposedID != issued {
                guard !snapshot.devices.contains(where: { $0.id == proposedID }), proposedID != node else {
                    throw ProblemDetails(.deviceIDTaken, detail: "device id \(proposedID) is already enrolled")
                }
                row.id = proposedID
            }
            // The code is spent: clear its hash so it can never be redeemed again.
            row.codeHash = nil
            row.publicKey = publicKey.base64
            row.tokenHash = tokenHash
            row.redeemedAt = now
            row.lastSeenAt = now
            var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
            batch.put(row, replacing: issued)
            batch.audit(
                actor: row.id.rawValue, action: "device.enrolled", subject: row.id.rawValue,
                detail: "issued as \(issued); public key \(publicKey.base64)")
            return (batch.finish(), DeviceIdentity(id: row.id, name: row.name, role: row.role, scope: row.scope, publicKey: publicKey))
        }
    }

    /// The active device holding `token`; notes it as seen (at most once a minute).
    /// - Throws: `unauthorized` for an unknown token, `device-revoked` for a revoked device.
    public func authenticate(tokenHash: String, now: Int64) async throws -> DeviceIdentity {
        guard let row = try await timed("authenticate", { try await storage.device(tokenHash: tokenHash) }), let keyText = row.publicKey
        else {
            throw ProblemDetails(.unauthorized, detail: "the token is unknown; enrol the device again")
        }
        if row.revokedAt != nil {
            throw ProblemDetails(.deviceRevoked, detail: "this device was revoked by the central office")
        }
        guard let key = try? Curve25519.Signing.PublicKey(base64: keyText) else {
            throw StorageError(.storageFailure, "device \(row.id)'s stored key cannot be read")
        }
        let due = lastTouched.withLock { seen in
            guard now - (seen[row.id] ?? row.lastSeenAt ?? 0) >= 60_000 else { return false }
            seen[row.id] = now
            return true
        }
        if due { try? await storage.touch(row.id, at: now) }
        return DeviceIdentity(id: row.id, name: row.name, role: row.role, scope: row.scope, publicKey: key)
    }

    /// Revokes a device at once; its token stops working on its next request.
    /// - Throws: `not-found` when no active or pending device has that id.
    /// `principal` must be an admin whose scope holds the device's.
    public func revoke(_ device: NodeID, as principal: Principal, now: Int64) async throws {
        try principal.authorize(.revokeDevice)
        let actor = principal.actor
        let node = serverNode
        try await storage.write(reading: ReadRequest(deviceIDs: [device])) { snapshot in
            guard var row = snapshot.devices.first(where: { $0.id == device }), row.revokedAt == nil else {
                throw ProblemDetails(.notFound, detail: "no active device \(device)")
            }
            try principal.authorize(.revokeDevice, at: row.scope)
            row.revokedAt = now
            row.codeHash = nil
            var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
            batch.put(row)
            batch.audit(actor: actor, action: "device.revoked", subject: device.rawValue, detail: "")
            return (batch.finish(), ())
        }
    }

    /// Every device, as `fieldroll-server device list` shows them.
    public func devices() async throws -> [DeviceRecord] {
        try await storage.allDevices().map { row in
            let expired = row.status == .pending && (row.codeExpiresAt ?? .max) < Int64(Date().timeIntervalSince1970 * 1000)
            return DeviceRecord(
                id: row.id, name: row.name, role: row.role, scope: row.scope, status: expired ? .expired : row.status,
                createdAt: Instant(millis: row.createdAt), lastSeenAt: row.lastSeenAt.map { Instant(millis: $0) })
        }
    }

    /// Office people at the server's terminal act as `admin:<name>` in the audit log; staff
    /// signed in to the web console already carry `staff:<name>`.
    static func officeActor(_ name: String) -> String {
        name == "admin" || name.hasPrefix("admin:") || name.hasPrefix("staff:") ? name : "admin:\(name)"
    }
}
