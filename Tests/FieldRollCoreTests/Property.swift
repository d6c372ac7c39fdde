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
