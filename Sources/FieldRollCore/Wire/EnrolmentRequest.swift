/// `POST /v1/devices/enrol`: a device redeems its one-time code with its public key.
public struct EnrolmentRequest: Hashable, Codable, Sendable {
    /// The one-time code the office printed (`K7QM-2XHP-9R4T`).
    public var code: String
    /// The device's Ed25519 public key: 32 bytes, base64.
    public var publicKey: String
    /// The device's own id (its node id), when it was set up before enrolment.
    public var device: String?

    /// Makes a request from the one-time code, the device's public key and, optionally, its id.
    public init(code: String, publicKey: String, device: String? = nil) {
        self.code = code
        self.publicKey = publicKey
        self.device = device
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case code, publicKey, device }

    /// The members a request may carry; the server refuses others.
    public static let wireMembers = Set(CodingKeys.allCases.map(\.rawValue))
}

/// What a freshly enrolled device needs to sync: the server's answer to ``EnrolmentRequest``.
public struct EnrolmentGrant: Hashable, Codable, Sendable {
    /// The device's node id.
    public var device: NodeID
    /// The device's name, as enrolled.
    public var name: String
    /// The device's role.
    public var role: Role
    /// The region the device may pull and push in.
    public var scope: RegionCode
    /// The bearer token; shown once, stored by the server only as a hash.
    public var token: String
    /// The server's node id.
    public var server: NodeID
    /// The server's Ed25519 public key, base64 (it signs the server's own change sets).
    public var serverPublicKey: String
    /// The server's time when it answered.
    public var serverTime: Instant

    /// Makes the grant.
    public init(
        device: NodeID, name: String, role: Role, scope: RegionCode, token: String, server: NodeID, serverPublicKey: String,
        serverTime: Instant
    ) {
        self.device = device
        self.name = name
        self.role = role
        self.scope = scope
        self.token = token
        self.server = server
        self.serverPublicKey = serverPublicKey
        self.serverTime = serverTime
    }
}
