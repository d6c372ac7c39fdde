import FieldRollCore
import Testing

/// Runs `body` for `cases` seeds; a failure names its seed so it can be replayed alone with
/// `forAll(1, from: seed)`.
func forAll(_ cases: Int, from first: UInt64 = 1, _ body: (UInt64, inout SeededRandom) throws -> Void) rethrows {
    for seed in first..<(first + UInt64(cases)) {
        var rng = SeededRandom(seed: seed)
        try body(seed, &rng)
    }
}

/// A small fixed set of replicas for histories.
let nodes = (0..<5).map { try! NodeID("dev-\($0)") }

/// Random JSON values of the shapes fields hold.
func randomValue(_ rng: inout SeededRandom) -> JSONValue {
    switch rng.int(0...5) {
    case 0: return .null
    case 1: return .bool(rng.chance(0.5))
    case 2: return .int(Int64(rng.int(-3...3)))
    case 3: return .string(rng.pick(["王芳", "李强", "", "a", "b"]))
    case 4: return .double(Double(rng.int(-20...20)) / 4)
    default: return .object(["k": .int(Int64(rng.int(0...2)))])
    }
}

/// A random history: replicas write fields and now and then pull each other's state, with
/// clocks that skew and jump backwards. Returns every write made, in order.
func randomHistory(_ rng: inout SeededRandom, replicas: Int, steps: Int, fields: [String]) -> [FieldWrite] {
    var clocks = (0..<replicas).map { HybridLogicalClock(node: nodes[$0], maxDrift: .max / 4) }
    var states = [RecordState](repeating: RecordState(), count: replicas)
    var physical = (0..<replicas).map { _ in Int64(rng.int(1_000...1_050)) }
    var writes: [FieldWrite] = []
    for _ in 0..<steps {
        let i = rng.int(0..<replicas)
        physical[i] += Int64(rng.int(-3...5))  // clocks wander, sometimes backwards
        if rng.chance(0.7) || replicas == 1 {
            let field = rng.pick(fields)
            let stamp = clocks[i].tick(now: physical[i])
            let write = FieldWrite(field: field, value: randomValue(&rng), stamp: stamp, base: states[i].fields[field]?.stamp)
            _ = FieldMerge.apply(write, to: &states[i])
            writes.append(write)
        } else {
            let j = (i + rng.int(1..<replicas)) % replicas
            states[i].merge(states[j])
            if let last = states[j].lastStamp { _ = try? clocks[i].receive(last, now: physical[i]) }
        }
    }
    return writes
}
