import FieldRollCore
import Foundation

/// Imports households, members and the roll from the CSV files offices keep today.
///
/// Every row is checked before anything is written: one bad cell anywhere and nothing is
/// imported (the error lists up to 20 bad rows). Imported values become the server's own signed
/// writes, so devices pull them like any other change. Only fields that differ from what the
/// server holds are written, so importing the same file twice changes nothing the second time.
public struct OfficeImport: Sendable {
    public let pipeline: SyncPipeline

    public init(pipeline: SyncPipeline) { self.pipeline = pipeline }

    /// What one import did.
    public struct Summary: Sendable, Hashable, CustomStringConvertible {
        public var rows: [EntityKind: Int] = [:]
        public var changed: [EntityKind: Int] = [:]

        public var description: String {
            [EntityKind.household, .member, .enrolment].compactMap { k in
                rows[k].map { "\(k.rawValue)s: \($0) rows, \(changed[k] ?? 0) new or changed" }
            }.joined(separator: "; ")
        }
    }

    /// What an import would write: read and checked, nothing written yet.
    public struct Plan: Sendable {
        /// Rows per kind, and the records that are new or differ from what the server holds.
        public var summary = Summary()
        /// Bad rows and cells (`households row 3: …`); when any, ``run(_:actor:now:progress:)`` writes nothing.
        public var problems: [String] = []
        /// The server's writes, one change per new or changed record.
        public var changes: [Change] = []
        /// The clock the changes were stamped with, for the change sets that carry them.
        var clock: HybridLogicalClock

        public var isClean: Bool { problems.isEmpty }
    }

    /// Reads and checks the given tables (any may be nil) as of `now` (ms) and works out what
    /// they would change, without writing anything: the preview of an import.
    /// - Parameter scope: when given, a row whose region lies outside it is a problem (the
    ///   console's staff import only inside their region).
    public func plan(households: CSVTable?, members: CSVTable?, enrolments: CSVTable?, scope: RegionCode? = nil, now: Int64)
        async throws -> Plan
    {
        var problems: [String] = []
        func read<T: FieldMergedRecord>(
            _ table: CSVTable?, _ file: String, _ header: [String], _ parse: ([String: String]) throws(ValidationError) -> T
        ) -> [T] {
            guard let table else { return [] }
            let missing = header.filter { !table.header.contains($0) }
            if !missing.isEmpty {
                problems.append("\(file): missing columns \(missing.joined(separator: ", "))")
                return []
            }
            var out: [T] = []
            for (i, row) in table.records.enumerated() {
                do {
                    let record = try parse(row)
                    if let scope, !scope.contains(record.region) {
                        problems.append("\(file) row \(i + 2): region \(record.region.digits) lies outside \(scope.digits)")
                    } else {
                        out.append(record)
                    }
                } catch { problems.append("\(file) row \(i + 2): \(error.message)") }
            }
            return out
        }
        let hs = read(households, "households", OfficeCSV.householdHeader, OfficeCSV.household)
        let ms = read(members, "members", OfficeCSV.memberHeader, OfficeCSV.member)
        let es = read(enrolments, "enrolments", OfficeCSV.enrolmentHeader, OfficeCSV.enrolment)
        var plan = Plan(
            clock: HybridLogicalClock(node: pipeline.serverNode, last: HLCTimestamp(physical: now, logical: 0, node: pipeline.serverNode)))
        plan.problems = problems
        plan.summary.rows[.household] = households.map { _ in hs.count }
        plan.summary.rows[.member] = members.map { _ in ms.count }
        plan.summary.rows[.enrolment] = enrolments.map { _ in es.count }
        guard problems.isEmpty else { return plan }
        func add<R: FieldMergedRecord>(_ records: [R]) async throws {
            guard !records.isEmpty else { return }
            var current: [String: RecordState] = [:]
            for r in try await pipeline.records(of: R.kind, in: nil) {
                if case .state(let s) = r.content { current[r.id] = s }
            }
            for record in records {
                let id = record.id.description
                let state = current[id] ?? RecordState()
                let fields = try record.fieldValues.filter { state.fields[$0.key]?.value != $0.value || state.isDeleted }
                guard !fields.isEmpty || state.isDeleted else { continue }
                let stamp = plan.clock.tick(now: now)
                var writes = fields.sorted { $0.key < $1.key }.map {
                    FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: state.fields[$0.key]?.stamp)
                }
                if state.isDeleted {
                    writes.append(
                        FieldWrite(
                            field: RecordState.deletedField, value: .bool(false), stamp: stamp,
                            base: state.fields[RecordState.deletedField]?.stamp))
                }
                plan.changes.append(Change(entity: R.kind, record: id, region: record.region, payload: .writes(writes)))
                plan.summary.changed[R.kind, default: 0] += 1
            }
        }
        try await add(hs)
        try await add(ms)
        try await add(es)
        return plan
    }

    /// Writes a clean plan as the server's signed change sets through ``SyncPipeline/push(_:pusher:writer:now:)``
    /// (the same path as every device's change), and one `office.import` audit entry under `actor`.
    /// `progress` is told, after each batch of writes, how many of the new or changed records are written so far.
    /// - Throws: ``ImportError`` when the plan has problems (nothing is written) or the server refuses a record.
    public func run(
        _ plan: Plan, actor: String = "admin:import", now: Int64, progress: (@Sendable (_ written: Int, _ total: Int) -> Void)? = nil
    ) async throws -> Summary {
        guard plan.isClean else { throw ImportError(problems: plan.problems) }
        var clock = plan.clock
        let changes = plan.changes
        let key = pipeline.serverKey
        for start in stride(from: 0, to: changes.count, by: 500) {
            let batch = Array(changes[start..<min(start + 500, changes.count)])
            let set = try ChangeSet(origin: pipeline.serverNode, stamp: clock.tick(now: now), changes: batch).signed(with: key)
            let scope = batch[0].region.ancestor(at: .province)
            let response = try await pipeline.push(
                [set], pusher: pipeline.serverNode, writer: WriterContext(role: .admin, scope: scope, isServer: true), now: now)
            if let refused = response.results.first(where: { $0.status == .refused }) {
                throw ImportError(problems: [
                    "the server refused an imported record: \(refused.code?.rawValue ?? "?"): \(refused.detail ?? "")"
                ])
            }
            progress?(start + batch.count, changes.count)
        }
        try await pipeline.record(actor: actor, action: "office.import", subject: "csv", detail: plan.summary.description, now: now)
        return plan.summary
    }

    /// Imports the given tables (any may be nil) as of `now` (ms): ``plan(households:members:enrolments:scope:now:)``,
    /// then ``run(_:actor:now:progress:)``.
    /// - Throws: ``ImportError`` (code `invalid-record`) listing bad rows; nothing is written then.
    public func run(
        households: CSVTable?, members: CSVTable?, enrolments: CSVTable?, now: Int64,
        progress: (@Sendable (_ written: Int, _ total: Int) -> Void)? = nil
    ) async throws -> Summary {
        let plan = try await plan(households: households, members: members, enrolments: enrolments, now: now)
        return try await run(plan, now: now, progress: progress)
    }
}

/// Rows that cannot be imported; nothing was written.
public struct ImportError: FieldRollError {
    public var problems: [String]
    public var code: ErrorCode { .invalidRecord }
    public var message: String {
        let shown = problems.prefix(20).joined(separator: "; ")
        return "nothing imported: \(shown)\(problems.count > 20 ? "; and \(problems.count - 20) more" : "")"
    }
}

/// Writes the server's current households, members or roll as office CSV.
public enum OfficeExport {
    /// The columns ``Disclosure`` covers, by the record field each holds.
    static let disclosedColumns = ["resident_id": "residentID", "birth_date": "birthDate", "phone": "phone"]

    /// The table of `entity` records inside `scope` (deleted records left out), with resident
    /// IDs, birth dates and phone numbers as `disclosure` shows them: `full` for a file to edit
    /// and import back; `restricted` for a copy to share (such a file does not import back).
    public static func table(_ entity: EntityKind, pipeline: SyncPipeline, scope: RegionCode?, disclosure: Disclosure = .full)
        async throws -> CSVTable
    {
        let table = try await fullTable(entity, pipeline: pipeline, scope: scope)
        guard !disclosure.isFull else { return table }
        let fields = table.header.map { disclosedColumns[$0] ?? "" }
        return CSVTable(
            header: table.header, rows: table.rows.map { row in zip(fields, row).map { disclosure.field($0, $1) } })
    }

    static func fullTable(_ entity: EntityKind, pipeline: SyncPipeline, scope: RegionCode?) async throws -> CSVTable {
        let records = try await pipeline.records(of: entity, in: scope)
        func rows<R: FieldMergedRecord>(_ type: R.Type, _ row: (R) -> [String]) throws -> [[String]] {
            try records.compactMap { r in
                guard case .state(let s) = r.content, !s.isDeleted else { return nil }
                return row(try R(id: try JSONValue.string(r.id).decode(as: R.ID.self), values: s.values))
            }
        }
        switch entity {
        case .household: return CSVTable(header: OfficeCSV.householdHeader, rows: try rows(Household.self, OfficeCSV.row))
        case .member: return CSVTable(header: OfficeCSV.memberHeader, rows: try rows(Member.self, OfficeCSV.row))
        case .enrolment: return CSVTable(header: OfficeCSV.enrolmentHeader, rows: try rows(Enrolment.self, OfficeCSV.row))
        default: throw ImportError(problems: ["only households, members and enrolments export as office CSV"])
        }
    }
}
