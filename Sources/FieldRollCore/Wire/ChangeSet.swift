/// What a device committed together — a visit with its photos, an edit of a household's
/// fields — signed by its origin so it can travel through a relay unchanged and still prove
/// who made it.
public struct ChangeSet: SignedRecord, Hashable {
    /// The set's id, made by its origin.
    public var id: ChangeSetID
    /// The device (or server) that made the changes and signed them.
    public var origin: NodeID
    /// The origin's clock when it committed the set.
    public var stamp: HLCTimestamp
    /// The changes, in the order the origin made them.
    public var changes: [Change]
    /// Base64 Ed25519 signature by `origin` over the canonical JSON of every other field.
    public var signature: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case id, origin, stamp, changes, signature }

    /// The members a change set may carry on the wire; a server refuses others.
    public static let wireMembers = Set(CodingKeys.allCases.map(\.rawValue))

    /// Makes a change set; a new random id by default, unsigned until `signature` is set.
    public init(id: ChangeSetID = ChangeSetID(), origin: NodeID, stamp: HLCTimestamp, changes: [Change], signature: String? = nil) {
        self.id = id
        self.origin = origin
        self.stamp = stamp
        self.changes = changes
        self.signature = signature
    }
}
