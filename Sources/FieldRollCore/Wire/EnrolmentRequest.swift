/// `POST /v1/devices/enrol`: a device redeems its one-time code with its public key.
public struct EnrolmentRequest: Hashable, Codable, Sendable {
    /// The one-time code the office printed (`K7QM-2XHP-9R4T`).
    public var code: String
    /// The device's Ed25519 public key: 32 bytes, base64.
    public var publicKey: String
    /// The device's own id (its node id), when it was set up before enrolment.
    public var device: String?

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
    public var device: NodeID
    public var name: String
    public var role: Role
    public var scope: RegionCode
    /// The bearer token; shown once, stored by the server only as a hash.
    public var token: String
    public var server: NodeID
    /// The server's Ed25519 public key, base64 (it signs the server's own change sets).
    public var serverPublicKey: String
    public var serverTime: Instant

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
