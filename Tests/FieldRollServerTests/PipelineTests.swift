@preconcurrency import Crypto
import FieldRollCore
import Foundation
import Testing

@testable import FieldRollServer

/// The pipeline's decisions, made without a database: a snapshot in, rows out.
@Suite("The push pipeline decides the same way on every backend")
struct PipelineTests {
    let node = try! NodeID("server-test")
    let device = try! NodeID("device-a")
    let village = try! RegionCode("139901002201")
    let key = Curve25519.Signing.PrivateKey()

    func household(_ id: HouseholdID = HouseholdID(), stamp: HLCTimestamp) -> Change {
        Change(
            entity: .household, record: id.description, region: village,
            payload: .writes([
                FieldWrite(field: "region", value: .string(village.digits), stamp: stamp, base: nil),
                FieldWrite(field: "address", value: "东岗村3组12号", stamp: stamp, base: nil),
                FieldWrite(field: "headName", value: "王建国", stamp: stamp, base: nil),
                FieldWrite(field: "housing", value: "self-built", stamp: stamp, base: nil),
                FieldWrite(field: "declaredMonthlyIncome", value: .int(60_000), stamp: stamp, base: nil),
            ]))
    }

    @Test("positions and audit entries continue from the locked head; a later change in the batch sees an earlier one")
    func numbering() throws {
        let head = SyncHead(position: 41, generation: 0, clock: nil, auditSeq: 9, auditHash: String(repeating: "a", count: 64))
        var batch = WriteBatch(snapshot: WriteSnapshot(head: head), node: node, now: 1_800_000_000_000)
        let writer = WriterContext(role: .caseworker, scope: village, isServer: false)
        let id = HouseholdID()
        let first = household(id, stamp: HLCTimestamp(physical: 1_800_000_000_000, logical: 0, node: device))
        let set = try ChangeSet(
            origin: device, stamp: HLCTimestamp(physical: 1_800_000_000_000, logical: 1, node: device), changes: [first]
        ).signed(with: key)
        #expect(batch.apply(first, in: set, bodySignature: .notApplicable, writer: writer, maxDrift: 300_000).status == .applied)
        // A second change to the same record, whose base is the first: no conflict.
        let stamp2 = HLCTimestamp(physical: 1_800_000_000_001, logical: 0, node: device)
        let second = Change(
            entity: .household, record: id.description, region: village,
            payload: .writes([FieldWrite(field: "phone", value: "13800138000", stamp: stamp2, base: nil)]))
        #expect(batch.apply(second, in: set, bodySignature: .notApplicable, writer: writer, maxDrift: 300_000).status == .applied)
        let rows = batch.finish()
        #expect(rows.changes.map(\.position) == [42, 43])
        #expect(rows.records.count == 1 && rows.recordPositions[RecordKey(.household, id.description)] == 43)
        #expect(rows.audit.map(\.seq) == [10, 11])
        #expect(rows.audit[0].previousHash == head.auditHash && rows.audit[1].previousHash == rows.audit[0].hash)
        #expect(rows.head?.position == 43 && rows.head?.auditSeq == 11 && rows.head?.auditHash == rows.audit[1].hash)
    }

    @Test("an earlier answer is repeated for a retried change; a clock-skew refusal is not remembered")
    func idempotency() throws {
        let applied = try ChangeID(UUID().uuidString.lowercased())
        let refused = try ChangeID(UUID().uuidString.lowercased())
        let snapshot = WriteSnapshot(
            head: SyncHead(),
            results: [
                applied: StoredResult(result: ChangeResult(change: applied, status: .applied), device: device),
                refused: StoredResult(
                    result: ChangeResult(change: refused, status: .refused, code: .scopeViolation, detail: "outside"), device: device),
            ])
        var batch = WriteBatch(snapshot: snapshot, node: node, now: 0)
        #expect(batch.prior(applied)?.status == .duplicate)
        #expect(batch.prior(refused)?.code == .scopeViolation)
        let skewed = try ChangeID(UUID().uuidString.lowercased())
        batch.remember(ChangeResult(change: skewed, status: .refused, code: .clockSkew), device: device)
        #expect(batch.prior(skewed) == nil)
        #expect(batch.finish().results.isEmpty)
    }

    @Test("signatures are checked in parallel, in order: one tampered set among many is the only one refused")
    func parallelSignatures() async throws {
        var sets: [ChangeSet] = []
        for i in 0..<64 {
            let stamp = HLCTimestamp(physical: 1_800_000_000_000 + Int64(i), logical: 0, node: device)
            sets.append(try ChangeSet(origin: device, stamp: stamp, changes: [household(stamp: stamp)]).signed(with: key))
        }
        sets[37].changes[0].region = try RegionCode("139901002202")  // altered after signing
        let verdicts = await SignatureCheck.verify(sets, keys: [device: key.publicKey])
        #expect(verdicts.count == 64)
        #expect(verdicts.indices.filter { verdicts[$0].setFailure != nil } == [37])
        let stranger = await SignatureCheck.verify([sets[0]], keys: [:])
        #expect(stranger[0].setFailure?.contains("not an active device") == true)
    }
}
