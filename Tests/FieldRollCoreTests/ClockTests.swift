import FieldRollCore
import PropertyBased
import Testing

/// One event of a generated clock history: how far the machine's time moves first (NTP steps,
/// a dead RTC battery), and either a local tick or a remote reading (behind, equal or ahead
/// within the bound), sometimes received twice.
typealias ClockEvent = (drift: Int, remote: Bool, offset: Int, logical: Int, twice: Bool)

@Suite("The hybrid logical clock")
struct ClockTests {
    let me = try! NodeID("dev-a"), other = try! NodeID("dev-b")

    /// Histories of up to 200 events.
    static let events = zip(Gen.int(in: -5_000...5_000), Gen.bool(0.4), Gen.int(in: -10_000...59_000), Gen.int(in: 0...3), Gen.bool(0.3))
        .map { ClockEvent(drift: $0, remote: $1, offset: $2, logical: $3, twice: $4) }
        .array(of: 1...200)

    @Test("never goes backwards, even when the machine's time does")
    func monotonicUnderSkew() async {
        await propertyCheck(count: 300, input: Gen.int(in: 1_000_000...2_000_000), Self.events) { start, events in
            var clock = HybridLogicalClock(node: me, maxDrift: 60_000)
            var physical = Int64(start)
            var last = clock.last
            for event in events {
                physical += Int64(event.drift)
                let next: HLCTimestamp
                if event.remote {
                    let remote = HLCTimestamp(physical: physical + Int64(event.offset), logical: UInt16(event.logical), node: other)
                    guard let r = try? clock.receive(remote, now: physical) else {
                        Issue.record("a reading within the bound was refused")
                        return
                    }
                    #expect(r > remote, "the receive event must follow the remote one")
                    if event.twice { _ = try? clock.receive(remote, now: physical) }
                    next = clock.last
                } else {
                    next = clock.tick(now: physical)
                }
                guard next > last else {
                    Issue.record("\(next) does not follow \(last)")
                    return
                }
                last = next
            }
        }
    }

    @Test("stays with physical time when nothing runs ahead")
    func followsPhysicalTime() {
        var clock = HybridLogicalClock(node: me)
        #expect(clock.tick(now: 1000) == HLCTimestamp(physical: 1000, logical: 0, node: me))
        #expect(clock.tick(now: 1000) == HLCTimestamp(physical: 1000, logical: 1, node: me))
        #expect(clock.tick(now: 999) == HLCTimestamp(physical: 1000, logical: 2, node: me))
        #expect(clock.tick(now: 1005) == HLCTimestamp(physical: 1005, logical: 0, node: me))
    }

    @Test("a reading too far ahead is refused with clock-skew and leaves the clock as it was")
    func refusesFarFuture() {
        var clock = HybridLogicalClock(node: me, maxDrift: 5 * 60_000)
        _ = clock.tick(now: 1_000_000)
        let before = clock
        let dayAhead = HLCTimestamp(physical: 1_000_000 + 86_400_000, logical: 0, node: other)
        #expect(throws: ClockSkewError.self) { try clock.receive(dayAhead, now: 1_000_000) }
        #expect(clock == before)
        do {
            try clock.receive(dayAhead, now: 1_000_000)
        } catch {
            #expect(error.code == .clockSkew)
            #expect(error.ahead == 86_400_000)
        }
        // Just inside the bound is fine, and pulls the clock forward.
        let inside = HLCTimestamp(physical: 1_000_000 + 5 * 60_000, logical: 7, node: other)
        #expect((try? clock.receive(inside, now: 1_000_000)) == HLCTimestamp(physical: inside.physical, logical: 8, node: me))
    }

    @Test("restored after a restart it continues past its last reading")
    func restore() {
        let saved = HLCTimestamp(physical: 5_000, logical: 9, node: me)
        var clock = HybridLogicalClock(node: me, last: saved)
        #expect(clock.tick(now: 10) > saved)
    }

    @Test("a full counter borrows the next millisecond instead of wrapping")
    func counterOverflow() {
        var clock = HybridLogicalClock(node: me, last: HLCTimestamp(physical: 7, logical: .max, node: me))
        #expect(clock.tick(now: 7) == HLCTimestamp(physical: 8, logical: 0, node: me))
    }

    @Test("the wire form round-trips and sorts as the stamps do")
    func wireForm() async throws {
        let stamps = zip(Gen.int64(in: 0...2_000_000_000_000), Gen.uint16(), Gen.int(in: 0...4))
            .map { HLCTimestamp(physical: $0, logical: $1, node: nodes[$2]) }
        await propertyCheck(count: 200, input: stamps, stamps) { x, y in
            #expect((try? HLCTimestamp(x.description)) == x)
            #expect((x < y) == (x.description < y.description))
        }
        #expect(throws: ValidationError.self) { try HLCTimestamp("12-3-dev") }
        #expect(throws: ValidationError.self) { try HLCTimestamp("000000000000001-00000-BAD NODE") }
    }
}
