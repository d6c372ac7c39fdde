import FieldRollCore
import Testing

@Suite("Field merge converges on every replica")
struct MergePropertyTests {
    let fields = ["phone", "address", "housing", RecordState.deletedField]

    func state(from writes: [FieldWrite]) -> RecordState {
        var s = RecordState()
        for w in writes { _ = FieldMerge.apply(w, to: &s) }
        return s
    }

    @Test("any partition of the writes across replicas, merged pairwise in any order, converges")
    func partitionsConverge() {
        forAll(200) { seed, rng in
            let writes = randomHistory(&rng, replicas: 4, steps: 40, fields: fields)
            let reference = state(from: writes)
            var replicas = [[FieldWrite]](repeating: [], count: rng.int(2...5))
            for w in writes { replicas[rng.int(0..<replicas.count)].append(w) }
            var states = replicas.map(state(from:))
            // Gossip in a random order until everyone has merged everyone.
            for _ in 0..<(states.count * states.count * 2) {
                let i = rng.int(0..<states.count)
                let j = rng.int(0..<states.count)
                states[i].merge(states[j])
            }
            for i in states.indices { for j in states.indices { states[i].merge(states[j]) } }
            for s in states { #expect(s == reference, "seed \(seed)") }
        }
    }

    @Test("a concurrent edit is reported once, whichever arrives first; a sequential one never")
    func concurrentDetection() {
        forAll(200) { seed, rng in
            var a = HybridLogicalClock(node: nodes[0])
            var b = HybridLogicalClock(node: nodes[1])
            let t = Int64(rng.int(1_000...2_000))
            let base = FieldWrite(field: "phone", value: .string("13800000000"), stamp: a.tick(now: t), base: nil)
            // Both devices saw `base`, then edited offline.
            let fromA = FieldWrite(
                field: "phone", value: .string("13900000001"), stamp: a.tick(now: t + Int64(rng.int(0...5))), base: base.stamp)
            let fromB = FieldWrite(
                field: "phone", value: .string("13900000002"), stamp: b.tick(now: t + Int64(rng.int(0...5))), base: base.stamp)
            for order in [[fromA, fromB], [fromB, fromA]] {
                var server = RecordState()
                _ = FieldMerge.apply(base, to: &server)
                let outcomes = FieldMerge.apply(order, to: &server)
                let edits = outcomes.compactMap { if case .concurrent(let e, _) = $0 { e } else { nil } }
                #expect(edits.count == 1, "seed \(seed)")
                let winner = fromA.stamp > fromB.stamp ? fromA : fromB
                #expect(server.fields["phone"] == winner.stamped, "seed \(seed)")
                #expect(edits.first?.winner == winner.stamped, "seed \(seed)")
                #expect(Set([edits.first?.winner, edits.first?.loser]) == Set([fromA.stamped, fromB.stamped]), "seed \(seed)")
            }
            // B first syncs, then edits on top of A's value: no conflict.
            var server = RecordState()
            _ = FieldMerge.apply([base, fromA], to: &server)
            _ = try? b.receive(fromA.stamp, now: t)
            let onTop = FieldWrite(field: "phone", value: .string("13900000003"), stamp: b.tick(now: t), base: fromA.stamp)
            #expect(FieldMerge.apply(onTop, to: &server) == .applied, "seed \(seed)")
        }
    }
}

@Suite("Record states in JSON")
struct RecordStateJSONTests {
    @Test("the direct JSON form has the Codable one's canonical bytes and reads back to the same state")
    func roundTrip() throws {
        try forAll(100) { (seed: UInt64, rng: inout SeededRandom) throws in
            var state = RecordState()
            for w in randomHistory(&rng, replicas: 3, steps: 20, fields: ["phone", "notes", RecordState.deletedField]) {
                _ = FieldMerge.apply(w, to: &state)
            }
            #expect(state.json.canonicalBytes == (try JSONValue(encoding: state)).canonicalBytes, "seed \(seed)")
            #expect(try RecordState(json: state.json) == state, "seed \(seed)")
        }
    }
}
