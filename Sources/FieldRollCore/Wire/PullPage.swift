/// A position in one server's commit order.
///
/// Cursors belong to the server that issued them (`issuer`): a device that meets another
/// server, or a relay, starts from the beginning there instead of skipping changes. Wire form:
/// `issuer:position`.
public struct SyncCursor: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The server that issued the cursor.
    public let issuer: NodeID
    /// The position in the issuer's commit order; 0 before every change.
    public let position: Int64

    /// Makes a cursor at `position` of `issuer`.
    public init(issuer: NodeID, position: Int64) {
        self.issuer = issuer
        self.position = position
    }

    /// The cursor before every change of `issuer`.
    public static func start(at issuer: NodeID) -> SyncCursor { SyncCursor(issuer: issuer, position: 0) }

    /// Parses the wire form `issuer:position`.
    /// - Throws: ``CursorError`` when `text` is not a cursor.
    public init(_ text: String) throws(CursorError) {
        guard let colon = text.lastIndex(of: ":"), let p = Int64(text[text.index(after: colon)...]), p >= 0,
            let issuer = try? NodeID(String(text[..<colon]))
        else { throw CursorError(text: String(text.prefix(80))) }
        self.init(issuer: issuer, position: p)
    }

    public var description: String { "\(issuer):\(position)" }

    public static func < (a: Self, b: Self) -> Bool { (a.issuer, a.position) < (b.issuer, b.position) }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A cursor that cannot be parsed or was issued by another server.
public struct CursorError: FieldRollError, Hashable {
    /// The text received.
    public let text: String
    public var code: ErrorCode { .badCursor }
    public var message: String { "\"\(text)\" is not a cursor of this server (issuer:position)" }
}

/// One change as the server committed it, with its origin so a relay can pass it on.
public struct PulledChange: Hashable, Codable, Sendable {
    /// The server's commit position of this change.
    public var position: Int64
    /// The replica that made the change and signed its change set.
    public var origin: NodeID
    /// The change set the change came in.
    public var changeSet: ChangeSetID
    /// The change itself.
    public var change: Change

    /// Makes a pulled change.
    public init(position: Int64, origin: NodeID, changeSet: ChangeSetID, change: Change) {
        self.position = position
        self.origin = origin
        self.changeSet = changeSet
        self.change = change
    }
}

/// `GET /v1/sync/pull?after=CURSOR&limit=N`: a page of changes in the caller's scope.
public struct PullPage: Hashable, Codable, Sendable {
    /// The changes, in commit order.
    public var changes: [PulledChange]
    /// Where to continue; store it only after the page is applied.
    public var cursor: SyncCursor
    /// Whether more changes remain after `cursor`.
    public var more: Bool
    /// The server's clock when it answered.
    public var serverTime: HLCTimestamp
    /// How many times the server was restored from a backup (0 if never; absent from older
    /// servers). A device that sees it grow sends again what it had pushed before.
    public var generation: Int64
    /// The server's check-in schedule, so a device lists who is due by the same rule (absent
    /// from older servers; older devices ignore it).
    public var checkIns: CheckInSchedule?
    /// On the last page of a pull (`more` false): every conflict inside the device's scope that
    /// no person has resolved yet, oldest first — the whole list, so a device replaces what it
    /// held (a resolved conflict leaves it). Absent on other pages and from older servers.
    public var conflicts: [ConflictNotice]?

    /// Makes a page.
    public init(
        changes: [PulledChange], cursor: SyncCursor, more: Bool, serverTime: HLCTimestamp, generation: Int64 = 0,
        checkIns: CheckInSchedule? = nil, conflicts: [ConflictNotice]? = nil
    ) {
        self.conflicts = conflicts
        self.changes = changes
        self.cursor = cursor
        self.more = more
        self.serverTime = serverTime
        self.generation = generation
        self.checkIns = checkIns
    }
}
