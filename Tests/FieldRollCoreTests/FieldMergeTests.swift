import FieldRollCore
import Testing

@Suite("Applying one write")
struct FieldMergeTests {
    let a = try! NodeID("dev-a"), b = try! NodeID("dev-b")

    @Test("a new field is applied, a retry is a duplicate, an older write is superseded")
    func outcomes() {
        var s = RecordState()
        let w1 = FieldWrite(field: "address", value: .string("东岗村3组12号"), stamp: HLCTimestamp(physical: 10, logical: 0, node: a), base: nil)
        #expect(FieldMerge.apply(w1, to: &s) == .applied)
        #expect(FieldMerge.apply(w1, to: &s) == .duplicate)
        let w2 = FieldWrite(
            field: "address", value: .string("东岗村3组14号"), stamp: HLCTimestamp(physical: 11, logical: 0, node: a), base: w1.stamp)
        #expect(FieldMerge.apply(w2, to: &s) == .applied)
        // w1 arriving again later (an old retry) must not roll the field back.
        #expect(FieldMerge.apply(w1, to: &s) == .superseded)
        #expect(s.values["address"] == .string("东岗村3组14号"))
    }

    @Test("equal physical time and counter: the node id breaks the tie the same way everywhere")
    func tieBreak() {
        let wa = FieldWrite(field: "phone", value: .string("1"), stamp: HLCTimestamp(physical: 5, logical: 2, node: a), base: nil)
        let wb = FieldWrite(field: "phone", value: .string("2"), stamp: HLCTimestamp(physical: 5, logical: 2, node: b), base: nil)
        var s1 = RecordState()
        var s2 = RecordState()
        _ = FieldMerge.apply([wa, wb], to: &s1)
        _ = FieldMerge.apply([wb, wa], to: &s2)
        #expect(s1 == s2)
        #expect(s1.values["phone"] == .string("2"))
    }

    @Test("deletion is a field: a later undelete wins over an earlier delete, in any order")
    func deletion() {
        let del = FieldWrite(
            field: RecordState.deletedField, value: .bool(true), stamp: HLCTimestamp(physical: 20, logical: 0, node: a), base: nil)
        let undel = FieldWrite(
            field: RecordState.deletedField, value: .bool(false), stamp: HLCTimestamp(physical: 21, logical: 0, node: b), base: del.stamp)
        var s1 = RecordState()
        var s2 = RecordState()
        _ = FieldMerge.apply([del, undel], to: &s1)
        _ = FieldMerge.apply([undel, del], to: &s2)
        #expect(!s1.isDeleted && !s2.isDeleted && s1 == s2)
        var s3 = RecordState()
        _ = FieldMerge.apply(del, to: &s3)
        #expect(s3.isDeleted)
    }

    @Test("same value written concurrently is not a conflict")
    func sameValueNoConflict() {
        var s = RecordState()
        _ = FieldMerge.apply(
            FieldWrite(field: "housing", value: .string("owned"), stamp: HLCTimestamp(physical: 1, logical: 0, node: a), base: nil), to: &s)
        let outcome = FieldMerge.apply(
            FieldWrite(field: "housing", value: .string("owned"), stamp: HLCTimestamp(physical: 2, logical: 0, node: b), base: nil), to: &s)
        #expect(outcome == .applied)
    }
}

@Suite("Immutable records never merge")
struct ImmutableRuleTests {
    @Test("first copy stands; identical retry is a no-op whatever the key order; a different body conflicts")
    func decide() {
        let body: JSONValue = .object([
            "id": .string("v1"), "answers": .object(["income.wages": .int(120000), "housing.condition": .string("poor")]),
        ])
        let reordered = JSONValue.object([
            "answers": .object(["housing.condition": .string("poor"), "income.wages": .int(120000)]), "id": .string("v1"),
        ])
        #expect(ImmutableRecordRule.decide(existing: nil, incoming: body) == .store)
        #expect(ImmutableRecordRule.decide(existing: body, incoming: reordered) == .duplicate)
        let changed: JSONValue = .object(["id": .string("v1"), "answers": .object(["income.wages": .int(90000)])])
        #expect(ImmutableRecordRule.decide(existing: body, incoming: changed) == .conflict)
        #expect(ImmutableConflictError(entity: .visit, id: "v1").code == .immutableConflict)
    }
}
