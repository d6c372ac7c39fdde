import FieldRollCore
import PropertyBased
import Testing

/// Convergence and conflict detection of the field merge, on generated histories and partitions
/// (swift-property-based): a failure prints the smallest counterexample found and a seed to
/// replay it. Histories are those of ``MergeLawTests``.
@Suite("Field merge converges on every replica")
struct MergePropertyTests {
    /// Which replica receives each write, by the write's position (cycled).
    static let assignments = Gen.int(in: 0...4).array(of: 1...40)
    /// Merges in gossip order: replica `i` merges replica `j`'s state.
    static let gossip = zip(Gen.int(in: 0...4), Gen.int(in: 0...4)).array(of: 0...50)

    @Test("any partition of the writes across replicas, merged pairwise in any order, converges")
    func partitionsConverge() async {
        await propertyCheck(count: 200, input: MergeLawTests.histories, Gen.int(in: 2...5), Self.assignments, Self.gossip) {
            steps, replicas, assignment, gossip in
            let writes = MergeLawTests.writes(of: steps)
            let reference = MergeLawTests.state(from: writes)
            var parts = [[FieldWrite]](repeating: [], count: replicas)
            for (i, w) in writes.enumerated() { parts[assignment[i % assignment.count] % replicas].append(w) }
            var states = parts.map(MergeLawTests.state(from:))
            for (i, j) in gossip { states[i % replicas].merge(states[j % replicas]) }
            // Then everyone merges everyone: the first replica gathers all, the rest take it.
            for i in states.indices { for j in states.indices { states[i].merge(states[j]) } }
            for s in states { #expect(s == reference) }
        }
    }

    @Test("a concurrent edit is reported once, whichever arrives first; a sequential one never")
    func concurrentDetection() async {
        await propertyCheck(count: 200, input: Gen.int(in: 1_000...2_000), Gen.int(in: 0...5), Gen.int(in: 0...5)) {
            start, driftA, driftB in
            var a = HybridLogicalClock(node: nodes[0])
            var b = HybridLogicalClock(node: nodes[1])
            let t = Int64(start)
            let base = FieldWrite(field: "phone", value: .string("13800000000"), stamp: a.tick(now: t), base: nil)
            // Both devices saw `base`, then edited offline.
            let fromA = FieldWrite(field: "phone", value: .string("13900000001"), stamp: a.tick(now: t + Int64(driftA)), base: base.stamp)
            let fromB = FieldWrite(field: "phone", value: .string("13900000002"), stamp: b.tick(now: t + Int64(driftB)), base: base.stamp)
            for order in [[fromA, fromB], [fromB, fromA]] {
                var server = RecordState()
                _ = FieldMerge.apply(base, to: &server)
                let outcomes = FieldMerge.apply(order, to: &server)
                let edits = outcomes.compactMap { if case .concurrent(let e, _) = $0 { e } else { nil } }
                #expect(edits.count == 1)
                let winner = fromA.stamp > fromB.stamp ? fromA : fromB
                #expect(server.fields["phone"] == winner.stamped)
                #expect(edits.first?.winner == winner.stamped)
                #expect(Set([edits.first?.winner, edits.first?.loser]) == Set([fromA.stamped, fromB.stamped]))
            }
            // B first syncs, then edits on top of A's value: no conflict.
            var server = RecordState()
            _ = FieldMerge.apply([base, fromA], to: &server)
            _ = try? b.receive(fromA.stamp, now: t)
            let onTop = FieldWrite(field: "phone", value: .string("13900000003"), stamp: b.tick(now: t), base: fromA.stamp)
            #expect(FieldMerge.apply(onTop, to: &server) == .applied)
        }
    }
}

@Suite("Record states in JSON")
struct RecordStateJSONTests {
    @Test("the direct JSON form has the Codable one's canonical bytes and reads back to the same state")
    func roundTrip() async {
        await propertyCheck(count: 100, input: MergeLawTests.histories) { steps in
            let state = MergeLawTests.state(from: MergeLawTests.writes(of: steps))
            #expect(state.json.canonicalBytes == (try? JSONValue(encoding: state))?.canonicalBytes)
            #expect((try? RecordState(json: state.json)) == state)
        }
    }
}
