import FieldRollCore
import Foundation
import PropertyBased
import Testing

/// One step of a generated history: which replica acts, on which field, with which value (the
/// last value index means "pull another replica's state instead"), and how far its clock
/// wanders first (sometimes backwards). Plain integers, so a failing history shrinks to a
/// short one with small numbers.
typealias Step = (replica: Int, field: Int, value: Int, drift: Int)

/// The laws of the field merge, checked on generated histories with shrinking counterexamples
/// (swift-property-based): a failure prints the smallest history found and a seed to replay it.
@Suite("Field merge laws, on generated histories")
struct MergeLawTests {
    static let fields = ["phone", "address", "housing", RecordState.deletedField]
    static let values: [JSONValue] = [.null, .bool(true), .int(3), .string("王芳"), .double(2.5), .object(["k": .int(1)])]
    static let pull = values.count

    /// Histories of up to 40 steps across three replicas.
    static let histories = zip(Gen.int(in: 0...2), Gen.int(in: 0...3), Gen.int(in: 0...pull), Gen.int(in: -3...5))
        .map { Step(replica: $0, field: $1, value: $2, drift: $3) }
        .array(of: 1...40)

    /// Which writes each part of a partition receives: bit `p` of `mask[i % count]` puts write
    /// `i` into part `p`.
    static let masks = Gen.int(in: 0...7).array(of: 1...16)

    /// Plays a history; returns every write made, in order.
    static func writes(of steps: [Step]) -> [FieldWrite] {
        let replicas = 3
        var clocks = (0..<replicas).map { HybridLogicalClock(node: nodes[$0], maxDrift: .max / 4) }
        var states = [RecordState](repeating: RecordState(), count: replicas)
        var physical = [Int64](repeating: 1_000, count: replicas)
        var out: [FieldWrite] = []
        for step in steps {
            let i = step.replica % replicas
            physical[i] += Int64(step.drift)
            if step.value == pull {
                let j = (i + 1) % replicas
                states[i].merge(states[j])
                if let last = states[j].lastStamp { _ = try? clocks[i].receive(last, now: physical[i]) }
            } else {
                let field = fields[step.field % fields.count]
                let write = FieldWrite(
                    field: field, value: values[step.value], stamp: clocks[i].tick(now: physical[i]), base: states[i].fields[field]?.stamp)
                _ = FieldMerge.apply(write, to: &states[i])
                out.append(write)
            }
        }
        return out
    }

    static func state(from writes: [FieldWrite]) -> RecordState {
        var s = RecordState()
        for w in writes { _ = FieldMerge.apply(w, to: &s) }
        return s
    }

    /// Part `part` of `writes` under `mask`.
    static func part(_ part: Int, of writes: [FieldWrite], mask: [Int]) -> RecordState {
        state(from: writes.enumerated().filter { mask[$0.offset % mask.count] & (1 << part) != 0 }.map(\.element))
    }

    @Test("commutative: a ⊔ b == b ⊔ a")
    func commutative() async {
        await propertyCheck(count: 300, input: Self.histories, Self.masks) { steps, mask in
            let w = Self.writes(of: steps)
            let a = Self.part(0, of: w, mask: mask)
            let b = Self.part(1, of: w, mask: mask)
            #expect(a.merged(with: b) == b.merged(with: a))
        }
    }

    @Test("associative: (a ⊔ b) ⊔ c == a ⊔ (b ⊔ c)")
    func associative() async {
        await propertyCheck(count: 300, input: Self.histories, Self.masks) { steps, mask in
            let w = Self.writes(of: steps)
            let (a, b, c) = (Self.part(0, of: w, mask: mask), Self.part(1, of: w, mask: mask), Self.part(2, of: w, mask: mask))
            #expect(a.merged(with: b).merged(with: c) == a.merged(with: b.merged(with: c)))
        }
    }

    @Test("idempotent: a ⊔ a == a, and a second delivery of every write changes nothing")
    func idempotent() async {
        await propertyCheck(count: 300, input: Self.histories) { steps in
            let w = Self.writes(of: steps)
            let a = Self.state(from: w)
            #expect(a.merged(with: a) == a)
            #expect(Self.state(from: w + w) == a)
        }
    }

    @Test("any delivery order converges to the per-field greatest stamp")
    func order() async {
        await propertyCheck(count: 300, input: Self.histories, Gen.int(in: 0...1_000)) { steps, rotation in
            let w = Self.writes(of: steps)
            // The oracle, without FieldMerge: per field, the write with the greatest stamp.
            var expected: [String: StampedValue] = [:]
            for x in w where expected[x.field].map({ x.stamp > $0.stamp }) ?? true { expected[x.field] = x.stamped }
            let k = w.isEmpty ? 0 : rotation % w.count
            let rotated = Array(w[k...] + w[..<k])
            #expect(Self.state(from: w.reversed()).fields == expected)
            #expect(Self.state(from: rotated).fields == expected)
        }
    }
}

/// RFC 8785 canonical JSON on generated values: the canonical form is a fixed point of
/// parse-then-print, whatever the formatting the value arrived in.
@Suite("Canonical JSON, on generated values")
struct CanonicalJSONPropertyTests {
    static let strings = ["", "a", "王芳", "\"", "\\", "\u{01}", "é", "😀", "line\nbreak", "\u{2028}", "Z", "ab"]

    /// A value from a flat list of choices, nested by the choice kinds (shrinks to small values).
    static func value(_ choices: [(kind: Int, n: Int)]) -> JSONValue {
        var index = 0
        func next(_ depth: Int) -> JSONValue {
            guard index < choices.count else { return .null }
            let (kind, n) = choices[index]
            index += 1
            switch kind {
            case 0: return .null
            case 1: return .bool(n % 2 == 0)
            case 2: return .int(Int64(n) - 500)
            case 3: return .double(Double(n) / 8 - 60)
            case 4: return .string(strings[n % strings.count])
            case 5 where depth < 4: return .array((0..<(n % 4)).map { _ in next(depth + 1) })
            case 6 where depth < 4:
                var members: [String: JSONValue] = [:]
                for _ in 0..<(n % 4) { members[strings[(index + n) % strings.count]] = next(depth + 1) }
                return .object(members)
            default: return .int(Int64(n))
            }
        }
        return next(0)
    }

    static let values = zip(Gen.int(in: 0...6), Gen.int(in: 0...1_000)).map { (kind: $0, n: $1) }.array(of: 1...30).map(value)

    @Test("parse(print(v)) prints the same bytes; so does a pretty-printed copy of v")
    func fixedPoint() async throws {
        await propertyCheck(count: 300, input: Self.values) { v in
            let bytes = v.canonicalBytes
            let reparsed = try? JSONValue(parsing: Data(bytes))
            #expect(reparsed?.canonicalBytes == bytes)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted]
            let pretty = try? encoder.encode(v)
            #expect(pretty.flatMap { try? JSONValue(parsing: $0) }?.canonicalBytes == bytes)
        }
    }
}
