@preconcurrency import Crypto
import FieldRollCore

/// An enrolled, active device as the server knows it after checking its token.
public struct DeviceIdentity: Sendable, Hashable {
    public var id: NodeID
    public var name: String
    public var role: Role
    /// The region the device may read and write: a county, township or village code.
    public var scope: RegionCode
    public var publicKey: Curve25519.Signing.PublicKey

    public init(id: NodeID, name: String, role: Role, scope: RegionCode, publicKey: Curve25519.Signing.PublicKey) {
        self.id = id
        self.name = name
        self.role = role
        self.scope = scope
        self.publicKey = publicKey
    }

    public static func == (a: Self, b: Self) -> Bool { a.id == b.id && a.role == b.role && a.scope == b.scope }
    public func hash(into h: inout Hasher) { h.combine(id) }
}

/// A device as listed by `fieldroll-server device list`.
public struct DeviceRecord: Sendable, Hashable, Codable {
    public enum Status: String, Codable, Sendable, CaseIterable { case pending, active, revoked, expired }
    public var id: NodeID
    public var name: String
    public var role: Role
    public var scope: RegionCode
    public var status: Status
    public var createdAt: Instant
    public var lastSeenAt: Instant?
}
