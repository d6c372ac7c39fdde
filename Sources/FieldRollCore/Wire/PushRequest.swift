/// `POST /v1/sync/push`: change sets from a device's outbox, in device order.
public struct PushRequest: Hashable, Codable, Sendable {
    /// Always ``WireProtocol/version``.
    public var `protocol`: String
    /// The change sets, in device order.
    public var changeSets: [ChangeSet]

    enum CodingKeys: String, CodingKey, CaseIterable { case `protocol`, changeSets }

    /// The members a push may carry; a server refuses others.
    public static let wireMembers = Set(CodingKeys.allCases.map(\.rawValue))

    /// Makes a push of `changeSets` under ``WireProtocol/version``.
    public init(changeSets: [ChangeSet]) {
        self.protocol = WireProtocol.version
        self.changeSets = changeSets
    }

    /// The number of changes across all sets (what batch limits count).
    public var changeCount: Int { changeSets.reduce(0) { $0 + $1.changes.count } }
}

/// The server's answer to a push: one result per change, in request order.
public struct PushResponse: Hashable, Codable, Sendable {
    /// One result per change, in request order.
    public var results: [ChangeResult]
    /// The server's clock after the push; a device corrects its own clock from it.
    public var serverTime: HLCTimestamp
    /// How many times the server was restored from a backup (0 if never; absent from older
    /// servers). A device that sees it grow sends again what it had pushed before.
    public var generation: Int64

    /// Makes the answer to a push.
    public init(results: [ChangeResult], serverTime: HLCTimestamp, generation: Int64 = 0) {
        self.results = results
        self.serverTime = serverTime
        self.generation = generation
    }

    enum CodingKeys: String, CodingKey { case results, serverTime, generation }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        results = try c.decode([ChangeResult].self, forKey: .results)
        serverTime = try c.decode(HLCTimestamp.self, forKey: .serverTime)
        generation = try c.decodeIfPresent(Int64.self, forKey: .generation) ?? 0
    }
}

/// What the server did with one change.
public struct ChangeResult: Hashable, Codable, Sendable {
    /// What happened to the change.
    public enum Status: String, Codable, Sendable {
        /// Stored.
        case applied
        /// Already stored by an earlier push: nothing changed.
        case duplicate
        /// Applied, and a conflict record was kept for the central office.
        case conflictRecorded = "conflict-recorded"
        /// Not stored; `code` says why. The rest of the batch is unaffected.
        case refused
    }

    /// The id of the change this result is for.
    public var change: ChangeID
    /// What the server did with it.
    public var status: Status
    /// For `refused`: the stable error code.
    public var code: ErrorCode?
    /// Details in words, as for a refusal.
    public var detail: String?
    /// For `conflict-recorded`: the ids of the conflict records kept.
    public var conflicts: [String]?

    /// Makes the result for one change.
    public init(change: ChangeID, status: Status, code: ErrorCode? = nil, detail: String? = nil, conflicts: [String]? = nil) {
        self.change = change
        self.status = status
        self.code = code
        self.detail = detail
        self.conflicts = conflicts
    }

    /// Whether the device may drop the change from its outbox: everything but a refusal the
    /// device could cure (a clock it can correct) counts as acknowledged.
    public var isAcknowledged: Bool { status != .refused || code != .clockSkew }
}
