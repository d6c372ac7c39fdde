import FieldRollCore
import Foundation

/// Imports households, members and the roll from the CSV files offices keep today.
///
/// Every row is checked before anything is written: one bad cell anywhere and nothing is
/// imported (the error lists up to 20 bad rows). Imported values become the server's own signed
/// writes on behalf of the importing ``Principal``, pushed through the same pipeline as a
/// device's, so the principal's role and scope decide — against where each record *is* now and
/// where the row *would put it* — and devices pull them like any other change. Only fields that
/// differ from what the server holds are written, so importing the same file twice changes
/// nothing the second time.
///
/// Referential integrity: a member or enrolment row must name a household that exists (on the
/// server or earlier in the same import) inside the importer's scope, and an enrolment's region
/// must be its household's. A row without an id is matched to the record it describes — a
/// member by resident ID, a household by its head's resident ID (the optional
/// `head_resident_id` column) or else by region, head's name and address, an enrolment by
/// household and programme — and never silently becomes a second copy; the preview says which
/// rows match existing records.
public struct OfficeImport: Sendable {
    public let pipeline: SyncPipeline

    public init(pipeline: SyncPipeline) { self.pipeline = pipeline }

    /// The fields of an enrolment only the review chain changes once it is on record, with
    /// their columns.
    static let chainFields: [(field: String, column: String)] = [
        ("status", "status"), ("monthlyAmount", "monthly_amount_yuan"), ("startDate", "start_date"), ("programme", "programme"),
        ("householdID", "household_id"),
    ]

    /// What one import did.
    public struct Summary: Sendable, Hashable, CustomStringConvertible {
        public var rows: [EntityKind: Int] = [:]
        public var changed: [EntityKind: Int] = [:]
        /// Rows without an id that were matched to a record the server holds.
        public var matched: [EntityKind: Int] = [:]

        public var description: String {
            [EntityKind.household, .member, .enrolment].compactMap { k in
                rows[k].map { n in
                    let m = matched[k] ?? 0
                    return "\(k.rawValue)s: \(n) row\(n == 1 ? "" : "s"), \(changed[k] ?? 0) new or changed"
                        + (m > 0 ? ", \(m) matched to existing records" : "")
                }
            }.joined(separator: "; ")
        }
    }

    /// One row that cannot be imported, with the column at fault and the code of the refusal.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// `households`, `members` or `enrolments`.
        public var file: String
        /// The row's line in the file (the header is line 1); nil for a problem of the whole file.
        public var line: Int?
        /// The column at fault, when one is.
        public var column: String?
        /// The stable reason of a cell's refusal (``FieldIssue/reason``: `required`, `bad-format`, …), for
        /// pages that say it in the person's language.
        public var reason: String? = nil
        public var code: ErrorCode
        public var message: String

        public var description: String {
            var out = file
            if let line { out += " row \(line)" }
            if let column { out += ": \(column)" }
            return out + ": " + message
        }
    }

    /// What an import would write: read and checked, nothing written yet.
    public struct Plan: Sendable {
        /// Rows per kind, and the records that are new or differ from what the server holds.
        public var summary = Summary()
        /// Bad rows and cells; when any, ``run(_:now:progress:)`` writes nothing.
        public var refusals: [Problem] = []
        /// Rows without an id matched to a record the server holds (`members row 3: matches
        /// existing member … (resident ID …)`): shown in the preview, imported as edits of it.
        public var matches: [String] = []
        /// The server's writes, one change per new or changed record.
        public var changes: [Change] = []
        /// Who imports.
        public var principal: Principal
        /// Whether new enrolments may arrive in any status, as imported history.
        public var history: Bool
        /// The files' names, for the audit log.
        public var source: String?
        /// The clock the changes were stamped with, for the change sets that carry them.
        var clock: HybridLogicalClock

        /// The refusals as lines (`households row 3 region: …`).
        public var problems: [String] { refusals.map(\.description) }
        public var isClean: Bool { refusals.isEmpty }
    }

    /// Reads and checks the given tables (any may be nil) as of `now` (ms) and works out what
    /// they would change for `principal`, without writing anything: the preview of an import.
    /// - Throws: ``ProblemDetails`` `forbidden` when the principal may not import at all; bad
    ///   rows (cells, references, scope) are listed in ``Plan/refusals`` instead.
    /// - Parameters:
    ///   - history: the import loads the roll as it stands elsewhere (a county moving onto
    ///     FieldRoll): new enrolments may arrive in any status, marked in the audit log as
    ///     imported history. Without it a new enrolment must be `applied`: only the review chain
    ///     moves a household onto the roll. Either way an import never changes the status,
    ///     amount, start date, programme or household of an enrolment the server holds.
    ///   - source: the files' names, for the audit log.
    public func plan(
        households: CSVTable?, members: CSVTable?, enrolments: CSVTable?, as principal: Principal, history: Bool = false,
        source: String? = nil, now: Int64
    )
        async throws -> Plan
    {
        try principal.authorize(.importRecords)
        var plan = Plan(
            principal: principal, history: history, source: source,
            clock: HybridLogicalClock(node: pipeline.serverNode, last: HLCTimestamp(physical: now, logical: 0, node: pipeline.serverNode)))
        func refuse(_ file: String, _ line: Int?, _ column: String?, _ code: ErrorCode, _ message: String) {
            plan.refusals.append(Problem(file: file, line: line, column: column, code: code, message: message))
        }
        // Ids of rows refused for their cells: a row naming one is not refused again for it.
        var unreadIDs: Set<String> = []
        func read<T: FieldMergedRecord>(
            _ table: CSVTable?, _ file: String, _ header: [String], _ parse: ([String: String]) throws(ValidationError) -> T
        ) -> [(line: Int, cells: [String: String], record: T)] {
            guard let table else { return [] }
            let missing = header.filter { !table.header.contains($0) }
            if !missing.isEmpty {
                refuse(file, nil, nil, .missingColumns, "missing columns \(missing.joined(separator: ", "))")
                return []
            }
            var out: [(line: Int, cells: [String: String], record: T)] = []
            for (i, row) in table.records.enumerated() {
                do { out.append((line: i + 2, cells: row, record: try parse(row))) } catch {
                    for issue in error.issues {
                        refuse(file, i + 2, issue.field, .invalidRecord, issue.message)
                        plan.refusals[plan.refusals.count - 1].reason = issue.reason
                    }
                    if let id = row["id"]?.trimmingCharacters(in: .whitespaces).lowercased(), !id.isEmpty { unreadIDs.insert(id) }
                }
            }
            return out
        }
        var hs = read(households, "households", OfficeCSV.householdHeader, OfficeCSV.household)
        var ms = read(members, "members", OfficeCSV.memberHeader, OfficeCSV.member)
        var es = read(enrolments, "enrolments", OfficeCSV.enrolmentHeader, OfficeCSV.enrolment)
        plan.summary.rows[.household] = households.map { _ in hs.count }
        plan.summary.rows[.member] = members.map { _ in ms.count }
        plan.summary.rows[.enrolment] = enrolments.map { _ in es.count }
        // Rows with bad cells are reported above; the rows that parsed are still checked below,
        // so one preview lists every problem of the file.

        // What the server holds now, as one consistent read.
        func states(_ kind: EntityKind) async throws -> [String: (region: RegionCode, state: RecordState)] {
            var out: [String: (RegionCode, RecordState)] = [:]
            for r in try await pipeline.records(of: kind, in: nil) {
                if case .state(let s) = r.content { out[r.id] = (r.region, s) }
            }
            return out
        }
        let storedHouseholds = try await states(.household)
        let storedMembers = members != nil || hs.contains(where: { $0.cells["id", default: ""].isEmpty }) ? try await states(.member) : [:]
        let storedEnrolments = enrolments != nil ? try await states(.enrolment) : [:]
        func text(_ s: RecordState, _ field: String) -> String? { s.isDeleted ? nil : s.fields[field]?.value.stringValue }

        // Rows without an id: find the record they describe.
        var memberByResident: [String: (id: String, household: String)] = [:]
        for (id, m) in storedMembers where !m.state.isDeleted {
            if let rid = text(m.state, "residentID"), let h = text(m.state, "householdID") { memberByResident[rid] = (id, h) }
        }
        for i in hs.indices where hs[i].cells["id", default: ""].trimmingCharacters(in: .whitespaces).isEmpty {
            let h = hs[i].record
            var found: String?
            var how = ""
            if let rid = hs[i].cells["head_resident_id"]?.trimmingCharacters(in: .whitespaces), !rid.isEmpty {
                if let m = memberByResident[rid.uppercased()] {
                    found = m.household
                    how = "its head's resident ID"
                }
            }
            if found == nil {
                found =
                    storedHouseholds.first { _, s in
                        text(s.state, "region") == h.region.digits && text(s.state, "headName") == h.headName
                            && text(s.state, "address") == h.address
                    }?.key
                how = "region, head's name and address"
            }
            if let found, let id = try? HouseholdID(found) {
                hs[i].record.id = id
                plan.matches.append("households row \(hs[i].line): matches existing household \(found) (by \(how))")
                plan.summary.matched[.household, default: 0] += 1
            }
        }
        // Rows with ids are taken as the office recorded them (a resident ID on two members is
        // then the rolls cross-check's to flag); a row without one names a person by resident ID.
        var seenResident: [String: Int] = [:]
        for i in ms.indices where ms[i].cells["id", default: ""].trimmingCharacters(in: .whitespaces).isEmpty {
            let rid = ms[i].record.residentID.rawValue
            if let earlier = seenResident[rid] {
                refuse(
                    "members", ms[i].line, "resident_id",
                    .invalidRecord, "the same resident ID as row \(earlier), neither with an id; a person is one member")
                continue
            }
            seenResident[rid] = ms[i].line
            guard let existing = memberByResident[rid] else { continue }
            guard existing.household == ms[i].record.householdID.description else {
                refuse(
                    "members", ms[i].line, "resident_id", .invalidRecord,
                    "this resident ID is member \(existing.id) of household \(existing.household) already; give that member's id to move them"
                )
                continue
            }
            if let id = try? MemberID(existing.id) {
                ms[i].record.id = id
                plan.matches.append("members row \(ms[i].line): matches existing member \(existing.id) (by resident ID)")
                plan.summary.matched[.member, default: 0] += 1
            }
        }
        for i in es.indices where es[i].cells["id", default: ""].trimmingCharacters(in: .whitespaces).isEmpty {
            let e = es[i].record
            if let found = storedEnrolments.first(where: { _, s in
                text(s.state, "householdID") == e.householdID.description && text(s.state, "programme") == e.programme.rawValue
            })?.key, let id = try? EnrolmentID(found) {
                es[i].record.id = id
                plan.matches.append("enrolments row \(es[i].line): matches existing enrolment \(found) (by household and programme)")
                plan.summary.matched[.enrolment, default: 0] += 1
            }
        }

        // Where each household is after this import: the rows first, else the server's.
        var householdRegion: [String: RegionCode] = [:]
        for (id, h) in storedHouseholds where !h.state.isDeleted { householdRegion[id] = h.region }
        for h in hs { householdRegion[h.record.id.description] = h.record.region }

        // Scope: where each record is now and where the row would put it.
        func checkScope(_ file: String, _ line: Int, kind: EntityKind, id: String, region: RegionCode, stored: RegionCode?) {
            if !principal.covers(region) {
                refuse(file, line, "region", .scopeViolation, "\(region.digits) lies outside your region \(principal.scope?.digits ?? "")")
            } else if let stored, !principal.covers(stored) {
                refuse(
                    file, line, "id", .scopeViolation,
                    "\(kind.rawValue) \(id) is in \(stored.digits), outside your region \(principal.scope?.digits ?? "")")
            }
        }
        for h in hs {
            let id = h.record.id.description
            checkScope("households", h.line, kind: .household, id: id, region: h.record.region, stored: storedHouseholds[id]?.region)
        }
        // References: the household must exist and lie in scope.
        func checkHousehold(_ file: String, _ line: Int, _ household: HouseholdID) -> RegionCode? {
            if unreadIDs.contains(household.description) { return nil }
            guard let region = householdRegion[household.description] else {
                refuse(file, line, "household_id", .unknownReference, "no household \(household) on the server or in this import")
                return nil
            }
            guard principal.covers(region) else {
                refuse(file, line, "household_id", .unknownReference, "no household \(household) in your region")
                return nil
            }
            return region
        }
        for m in ms {
            let id = m.record.id.description
            checkScope("members", m.line, kind: .member, id: id, region: m.record.region, stored: storedMembers[id]?.region)
            _ = checkHousehold("members", m.line, m.record.householdID)
        }
        for e in es {
            let id = e.record.id.description
            checkScope("enrolments", e.line, kind: .enrolment, id: id, region: e.record.region, stored: storedEnrolments[id]?.region)
            if let region = checkHousehold("enrolments", e.line, e.record.householdID), region != e.record.region {
                refuse(
                    "enrolments", e.line, "region", .invalidRecord,
                    "\(e.record.region.digits) is not the region of household \(e.record.householdID) (\(region.digits)); an enrolment is where its household is"
                )
            }
        }
        // Only the review chain moves a household onto the roll or changes what it is paid.
        for e in es {
            let id = e.record.id.description
            if let stored = storedEnrolments[id], !stored.state.isDeleted {
                let values = (try? e.record.fieldValues) ?? [:]
                for (field, column) in Self.chainFields {
                    guard let value = values[field], value != stored.state.fields[field]?.value else { continue }
                    refuse(
                        "enrolments", e.line, column, .illegalTransition,
                        "enrolment \(id) on record differs in \(column); the review chain changes it (docs/review.md), an import does not")
                    break
                }
            } else if !history && e.record.status != .applied {
                refuse(
                    "enrolments", e.line, "status", .illegalTransition,
                    "a new enrolment is imported as applied; \(e.record.status.rawValue) comes from the review chain (or import the roll as history: --history)"
                )
            }
        }
        guard plan.isClean else { return plan }

        func add<R: FieldMergedRecord>(_ records: [R], _ current: [String: (region: RegionCode, state: RecordState)]) throws {
            for record in records {
                let id = record.id.description
                let state = current[id]?.state ?? RecordState()
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
        try add(hs.map(\.record), storedHouseholds)
        try add(ms.map(\.record), storedMembers)
        try add(es.map(\.record), storedEnrolments)
        return plan
    }

    /// Writes a clean plan as the server's signed change sets, on behalf of the plan's
    /// principal, through ``SyncPipeline/push(_:pusher:writer:now:)`` (the same path as every
    /// device's change, so the principal's scope is checked again against what the server holds
    /// at that moment), and one `office.import` audit entry under the principal's name.
    /// `progress` is told, after each batch of writes, how many of the new or changed records are written so far.
    /// - Throws: ``ImportError`` when the plan has problems (nothing is written) or the server refuses a record.
    public func run(
        _ plan: Plan, now: Int64, progress: (@Sendable (_ written: Int, _ total: Int) -> Void)? = nil
    ) async throws -> Summary {
        guard plan.isClean else { throw ImportError(plan.refusals) }
        var clock = plan.clock
        let changes = plan.changes
        let key = pipeline.serverKey
        let writer = WriterContext(office: plan.principal)
        for start in stride(from: 0, to: changes.count, by: 500) {
            let batch = Array(changes[start..<min(start + 500, changes.count)])
            let set = try ChangeSet(origin: pipeline.serverNode, stamp: clock.tick(now: now), changes: batch).signed(with: key)
            let response = try await pipeline.push([set], pusher: pipeline.serverNode, writer: writer, now: now)
            if let refused = response.results.first(where: { $0.status == .refused }) {
                throw ImportError([
                    Problem(
                        file: "import", line: nil, column: nil, code: refused.code ?? .invalidRecord,
                        message: "the server refused an imported record: \(refused.detail ?? "")")
                ])
            }
            progress?(start + batch.count, changes.count)
        }
        var detail = plan.summary.description
        if let source = plan.source { detail += "; from \(source)" }
        if plan.history {
            let onRoll = plan.changes.filter { $0.entity == .enrolment }.count
            detail += "; imported as history (\(onRoll) enrolments as they stood)"
        }
        try await pipeline.record(actor: plan.principal.actor, action: "office.import", subject: "csv", detail: detail, now: now)
        return plan.summary
    }

    /// Imports the given tables (any may be nil) as of `now` (ms) for `principal`:
    /// ``plan(households:members:enrolments:as:history:source:now:)``, then ``run(_:now:progress:)``.
    /// - Throws: ``ImportError`` listing bad rows; nothing is written then.
    public func run(
        households: CSVTable?, members: CSVTable?, enrolments: CSVTable?, as principal: Principal, history: Bool = false,
        source: String? = nil, now: Int64, progress: (@Sendable (_ written: Int, _ total: Int) -> Void)? = nil
    ) async throws -> Summary {
        let plan = try await plan(
            households: households, members: members, enrolments: enrolments, as: principal, history: history, source: source, now: now)
        return try await run(plan, now: now, progress: progress)
    }
}

/// Rows that cannot be imported; nothing was written.
public struct ImportError: FieldRollError {
    public var refusals: [OfficeImport.Problem]
    public var problems: [String] { refusals.map(\.description) }
    /// The refusals' code when they share one (`unknown-reference`, `scope-violation`, …), else `invalid-record`.
    public var code: ErrorCode {
        let codes = Set(refusals.map(\.code))
        return codes.count == 1 ? codes.first ?? .invalidRecord : .invalidRecord
    }

    public init(_ refusals: [OfficeImport.Problem]) { self.refusals = refusals }

    /// A refusal of the whole import, not of one row.
    public init(problems: [String]) {
        self.refusals = problems.map { OfficeImport.Problem(file: "import", line: nil, column: nil, code: .invalidRecord, message: $0) }
    }
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
