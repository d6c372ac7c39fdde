import FieldRollCore
import Testing

@Suite("The hybrid logical clock")
struct ClockTests {
    let me = try! NodeID("dev-a"), other = try! NodeID("dev-b")

    @Test("never goes backwards, even when the machine's time does")
    func monotonicUnderSkew() {
        forAll(300) { seed, rng in
            var clock = HybridLogicalClock(node: me, maxDrift: 60_000)
            var physical = Int64(rng.int(1_000_000...2_000_000))
            var last = clock.last
            for _ in 0..<200 {
                physical += Int64(rng.int(-5_000...5_000))  // NTP steps, a dead RTC battery
                let next: HLCTimestamp
                if rng.chance(0.4) {
                    // A remote reading: behind, equal, or ahead within the bound; sometimes repeated.
                    let remote = HLCTimestamp(
                        physical: physical + Int64(rng.int(-10_000...59_000)), logical: UInt16(rng.int(0...3)), node: other)
                    guard let r = try? clock.receive(remote, now: physical) else {
                        Issue.record("seed \(seed): a reading within the bound was refused")
                        return
                    }
                    #expect(r > remote, "seed \(seed): the receive event must follow the remote one")
                    if rng.chance(0.3) { _ = try? clock.receive(remote, now: physical) }
                    next = clock.last
                } else {
                    next = clock.tick(now: physical)
                }
                guard next > last else {
                    Issue.record("seed \(seed): \(next) does not follow \(last)")
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
    func wireForm() throws {
        forAll(200) { seed, rng in
            let x = HLCTimestamp(
                physical: Int64(rng.int(0...2_000_000_000_000)), logical: UInt16(rng.int(0...65535)), node: nodes[rng.int(0..<5)])
            let y = HLCTimestamp(
                physical: Int64(rng.int(0...2_000_000_000_000)), logical: UInt16(rng.int(0...65535)), node: nodes[rng.int(0..<5)])
            #expect((try? HLCTimestamp(x.description)) == x, "seed \(seed)")
            #expect((x < y) == (x.description < y.description), "seed \(seed)")
        }
        #expect(throws: ValidationError.self) { try HLCTimestamp("12-3-dev") }
        #expect(throws: ValidationError.self) { try HLCTimestamp("000000000000001-00000-BAD NODE") }
    }
}
