/// A hybrid logical clock (Kulkarni et al., 2014) for one replica, as a pure state machine.
///
/// It never goes backwards, stays close to physical time, and absorbs the readings of other
/// replicas so that a write made after seeing another always carries a greater stamp. The
/// caller supplies the physical time on every call, which keeps it deterministic in tests; the
/// client and the server keep one instance in their serialized writer.
///
/// A reading from a replica whose clock runs ahead is refused when it lies more than
/// ``maxDrift`` milliseconds beyond our physical time: one bad clock must not drag every
/// replica's stamps into the future and win every later conflict.
///
/// ```swift
/// var clock = HybridLogicalClock(node: me, maxDrift: 5 * 60_000)
/// let stamp = clock.tick(now: nowMillis)
/// try clock.receive(remoteStamp, now: nowMillis)
/// ```
public struct HybridLogicalClock: Sendable, Hashable {
    /// This replica.
    public let node: NodeID
    /// How far ahead of our physical time a remote reading may be, in milliseconds.
    public let maxDrift: Int64
    /// The greatest reading made or received so far.
    public private(set) var last: HLCTimestamp

    /// Five minutes: the default bound on how far a stamp may run ahead of the receiver.
    public static let defaultMaxDrift: Int64 = 5 * 60 * 1000

    /// Starts a clock; `last` restores the greatest reading persisted before a restart so the
    /// clock never repeats or goes back, even when the machine's time did.
    public init(node: NodeID, maxDrift: Int64 = defaultMaxDrift, last: HLCTimestamp? = nil) {
        self.node = node
        self.maxDrift = maxDrift
        self.last =
            last.map { HLCTimestamp(physical: $0.physical, logical: $0.logical, node: node) }
            ?? HLCTimestamp(physical: 0, logical: 0, node: node)
    }

    /// A new reading for a local event (a write, or sending a message). Strictly greater than
    /// every reading made or received before.
    public mutating func tick(now physical: Int64) -> HLCTimestamp {
        let p = max(last.physical, physical)
        let next: HLCTimestamp
        if p == last.physical {
            next = bump(p, last.logical)
        } else {
            next = HLCTimestamp(physical: p, logical: 0, node: node)
        }
        last = next
        return next
    }

    /// Absorbs a remote reading and returns the reading for the receive event.
    /// - Throws: ``ClockSkewError`` when `remote` is more than ``maxDrift`` ms ahead of
    ///   `physical`; the clock is left unchanged.
    @discardableResult
    public mutating func receive(_ remote: HLCTimestamp, now physical: Int64) throws(ClockSkewError) -> HLCTimestamp {
        try Self.check(remote, now: physical, maxDrift: maxDrift)
        let p = max(last.physical, remote.physical, physical)
        let next: HLCTimestamp
        if p == last.physical && p == remote.physical {
            next = bump(p, max(last.logical, remote.logical))
        } else if p == last.physical {
            next = bump(p, last.logical)
        } else if p == remote.physical {
            next = bump(p, remote.logical)
        } else {
            next = HLCTimestamp(physical: p, logical: 0, node: node)
        }
        last = next
        return next
    }

    /// Checks that a stamp is not too far ahead of `physical`.
    public static func check(_ stamp: HLCTimestamp, now physical: Int64, maxDrift: Int64) throws(ClockSkewError) {
        if stamp.physical > physical &+ maxDrift {
            throw ClockSkewError(stamp: stamp, ahead: stamp.physical - physical, maxDrift: maxDrift)
        }
    }

    private func bump(_ physical: Int64, _ logical: UInt16) -> HLCTimestamp {
        if logical == HLCTimestamp.maxLogical {
            // The counter is full: borrow the next millisecond rather than wrap or stall.
            return HLCTimestamp(physical: physical + 1, logical: 0, node: node)
        }
        return HLCTimestamp(physical: physical, logical: logical + 1, node: node)
    }
}

/// A stamp lies further in the future than the receiver accepts.
///
/// The server refuses such a change with code `clock-skew` and keeps nothing of it; the device
/// keeps the change in its outbox, corrects its clock from the server's time and re-stamps its
/// unacknowledged changes, so nothing is lost and nothing wins by a wrong clock.
public struct ClockSkewError: FieldRollError, Hashable {
    /// The refused stamp.
    public let stamp: HLCTimestamp
    /// Milliseconds ahead of the receiver's physical time.
    public let ahead: Int64
    /// The receiver's bound on how far ahead a stamp may be, in milliseconds.
    public let maxDrift: Int64

    /// Makes the error for `stamp`, `ahead` ms ahead of a receiver that accepts at most `maxDrift` ms.
    public init(stamp: HLCTimestamp, ahead: Int64, maxDrift: Int64) {
        self.stamp = stamp
        self.ahead = ahead
        self.maxDrift = maxDrift
    }

    public var code: ErrorCode { .clockSkew }

    public var message: String {
        "stamp \(stamp) is \(ahead / 1000) s ahead of this clock; at most \(maxDrift / 1000) s is accepted — check the device's date and time"
    }
}
