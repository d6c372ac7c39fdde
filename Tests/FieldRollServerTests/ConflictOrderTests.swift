import FieldRollCore
import Foundation
import Testing

@testable import FieldRollServer

/// The conflicts the server records depend on which writes it received, not on their order:
/// what lets a server restored from a backup record again, as the devices send their writes
/// anew, every conflict it had recorded since.
@Suite("The conflicts on record do not depend on the order writes arrive in")
struct ConflictOrderTests {
    let village = try! RegionCode("139901002201")
    let a = try! NodeID("device-a")
    let b = try! NodeID("device-b")
    let record = HouseholdID().description

    func stamp(_ millis: Int64, _ node: NodeID) -> HLCTimestamp { HLCTimestamp(physical: millis, logical: 0, node: node) }

    /// One device's write of the notes, as a change of its own.
    func notes(_ value: String, by node: NodeID, at millis: Int64, base: HLCTimestamp?) -> (Change, NodeID) {
        let write = FieldWrite(field: "notes", value: .string(value), stamp: stamp(millis, node), base: base)
        return (Change(entity: .household, record: record, region: village, payload: .writes([write])), node)
    }

    /// Applies the changes in order as the server does (each against the stored record and
    /// the log of the record's writes); returns the conflicts recorded, as winner/loser values.
    func conflicts(_ changes: [(Change, NodeID)]) -> [[String]] {
        let office = try! NodeID("server-office")
        let t0 = stamp(1_800_000_000_000, office)
        var state = RecordState(fields: [
            "region": StampedValue(value: .string(village.digits), stamp: t0), "address": StampedValue(value: "上河村1组", stamp: t0),
            "headName": StampedValue(value: "赵大山", stamp: t0), "housing": StampedValue(value: "self-built", stamp: t0),
            "declaredMonthlyIncome": StampedValue(value: .int(50_000), stamp: t0),
        ])
        var logged: [FieldWrite] = []
        var out: [[String]] = []
        let writer = WriterContext(role: .caseworker, scope: village, isServer: false)
        for (change, origin) in changes {
            let existing = StoredRecord(entity: .household, id: record, region: village, content: .state(state))
            let decision = ChangeApplier.decide(
                change, origin: origin, bodySignature: .notApplicable, writer: writer, existing: existing, logged: logged,
                now: 1_800_000_100_000, maxDrift: 300_000)
            #expect(decision.status != .refused, "\(decision.detail ?? "")")
            out += decision.conflicts.map { [$0.winner.value.stringValue ?? "", $0.loser.value.stringValue ?? ""] }
            if let stored = decision.record, case .state(let s) = stored.content {
                state = s
                if case .writes(let writes) = change.payload { logged += writes }
            }
        }
        return out.sorted { $0.joined() < $1.joined() }
    }

    @Test("a write raced by another device's two writes: the same conflict in every order the three can arrive in")
    func everyOrder() {
        // a writes A1; b, later and without having seen it, writes B1 and then B2 on top of B1.
        let a1 = notes("A1", by: a, at: 1_800_000_001_000, base: nil)
        let b1 = notes("B1", by: b, at: 1_800_000_002_000, base: nil)
        let b2 = notes("B2", by: b, at: 1_800_000_003_000, base: stamp(1_800_000_002_000, b))
        // Each device's writes arrive in the order it made them; the devices interleave any way.
        let orders = [[a1, b1, b2], [b1, a1, b2], [b1, b2, a1]]
        for order in orders {
            #expect(conflicts(order) == [["B1", "A1"]], "in the order \(order.map { $0.0.payload })")
        }
    }

    @Test("a write that the current value had seen is still checked against the write it raced")
    func supersededYetConcurrent() {
        let a1 = notes("A1", by: a, at: 1_800_000_001_000, base: nil)
        let b1 = notes("B1", by: b, at: 1_800_000_002_000, base: nil)
        let b2 = notes("B2", by: b, at: 1_800_000_003_000, base: stamp(1_800_000_002_000, b))
        // B2's base is later than A1, so the current value "saw" A1: compared with it alone, A1
        // would be taken for an old write and its race with B1 lost.
        #expect(conflicts([b1, b2, a1]) == [["B1", "A1"]])
        #expect(conflicts([b1, b2, a1, a1]) == [["B1", "A1"]], "the same write again records nothing more")
    }
}
