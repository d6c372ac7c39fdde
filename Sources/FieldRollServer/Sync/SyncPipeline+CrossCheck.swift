@preconcurrency import Crypto
import FieldRollCore
import Foundation

/// What one cross-check did: rows read, rows not applied (with their lines), flags raised.
public struct CrossCheckReport: Sendable, Hashable, Codable {
    public var source: CrossCheckSource
    /// The file read, as named (nil for the rolls).
    public var file: String?
    /// The encoding the file was read in (nil for the rolls).
    public var encoding: TextEncoding?
    /// Data rows in the file (for the rolls: members).
    public var rows: Int
    /// Good rows whose resident ID is a member of a household.
    public var matched: Int
    /// Good rows whose resident ID is on no roll (nothing to flag).
    public var unmatched: Int
    /// Rows not applied, and why.
    public var badRows: [CrossCheck.BadRow]
    /// Flags raised by this run.
    public var raised: [CrossCheckFlag]
    /// Flags this run found that an earlier run had already raised (left as they were).
    public var alreadyRaised: Int
}

extension SyncPipeline {
    /// Cross-checks a department's table against the rolls and stores the flags it raises.
    ///
    /// Pure rules (``CrossCheck/evaluate(_:source:file:rolls:thresholds:now:)``) decide; the
    /// flags that are new are stored in one transaction with an audit entry each, and every
    /// household newly flagged gets its server-owned `crossCheck` field rewritten (the rules that
    /// fired) as the server's signed change, so devices in the region see it on their next pull.
    /// Running the same file again finds the same flags and changes nothing.
    /// - Parameters:
    ///   - scope: when given, only flags on households inside it are stored; flags outside the
    ///     principal's scope never are (a township's staff cross-check only their own region).
    ///   - principal: who imports; must be an admin.
    /// - Throws: ``CSVFileError`` `missing-columns` when the table is not a `source` file;
    ///   `forbidden` or `scope-violation` for a principal who may not; nothing is written then.
    public func crossCheck(
        _ table: CSVTable, source: CrossCheckSource, file: String, encoding: TextEncoding? = nil, thresholds: CrossCheckThresholds,
        scope: RegionCode? = nil, as principal: Principal, now: Int64
    ) async throws -> CrossCheckReport {
        try principal.authorize(.crossCheck, at: scope)
        let scope = scope ?? principal.readScope
        let actor = principal.actor
        let evaluation = try await crossCheckPreview(
            table, source: source, file: file, thresholds: thresholds, scope: scope, as: principal, now: now)
        let detail =
            "\(source.rawValue) file \(file): \(evaluation.rows) rows, \(evaluation.matched) on the rolls, \(evaluation.badRows.count) bad"
        let (raised, known) = try await raise(evaluation.flags, actor: actor, action: "crosscheck.import", detail: detail, now: now)
        return CrossCheckReport(
            source: source, file: file, encoding: encoding, rows: evaluation.rows, matched: evaluation.matched,
            unmatched: evaluation.unmatched, badRows: evaluation.badRows, raised: raised, alreadyRaised: known)
    }

    /// What ``crossCheck(_:source:file:encoding:thresholds:scope:as:now:)`` would raise, with its
    /// bad rows, without storing anything: the preview of a cross-check.
    /// `principal` must be allowed to cross-check; only flags inside its scope are shown.
    public func crossCheckPreview(
        _ table: CSVTable, source: CrossCheckSource, file: String, thresholds: CrossCheckThresholds, scope: RegionCode?,
        as principal: Principal, now: Int64
    ) async throws -> CrossCheck.Evaluation {
        try principal.authorize(.crossCheck, at: scope)
        let rolls = try await rollIndex()
        var evaluation = try CrossCheck.evaluate(
            table, source: source, file: file, rolls: rolls, thresholds: thresholds, now: Instant(millis: now))
        evaluation.flags = evaluation.flags.filter { principal.covers($0.region) && (scope?.contains($0.region) ?? true) }
        return evaluation
    }

    /// Checks the rolls against themselves — one resident ID in two households, the same resident
    /// ID twice in one household, two heads — and stores the flags, like
    /// ``crossCheck(_:source:file:encoding:thresholds:scope:as:now:)``; only flags inside the
    /// principal's scope are stored.
    public func crossCheckRolls(as principal: Principal, now: Int64) async throws -> CrossCheckReport {
        try principal.authorize(.crossCheck)
        let actor = principal.actor
        let rolls = try await rollIndex()
        let flags = CrossCheck.rollFlags(rolls, now: Instant(millis: now)).filter { principal.covers($0.region) }
        let (raised, known) = try await raise(
            flags, actor: actor, action: "crosscheck.rolls", detail: "\(rolls.people.count) members checked", now: now)
        return CrossCheckReport(
            source: .rolls, file: nil, encoding: nil, rows: rolls.people.count, matched: rolls.people.count, unmatched: 0, badRows: [],
            raised: raised, alreadyRaised: known)
    }

    /// Cross-check flags of households inside `scope` (nil: everywhere), oldest first.
    public func flags(in scope: RegionCode?) async throws -> [CrossCheckFlag] {
        try await timed("flags") { try await storage.flags(in: scope) }
    }

    /// The rolls as they stand.
    func rollIndex() async throws -> RollIndex {
        let members = try await storage.records(of: .member, in: nil)
        let households = try await storage.records(of: .household, in: nil)
        return RollIndex(members: members, households: households)
    }

    /// Stores the flags not stored yet, in one transaction: each with an audit entry, each newly
    /// flagged household's `crossCheck` field rewritten by a signed server change, and one audit
    /// entry for the run (`action`, `detail`).
    /// - Returns: the flags stored now, and how many had been stored before.
    func raise(_ flags: [CrossCheckFlag], actor: String, action: String, detail: String, now: Int64) async throws -> ([CrossCheckFlag], Int)
    {
        let households = Array(Set(flags.map(\.household))).sorted()
        let request = ReadRequest(records: households.map { RecordKey(.household, $0.description) }, flagHouseholds: households)
        let node = serverNode
        let key = serverKey
        let maxDrift = maxClockDrift
        return try await timed("crosscheck") {
            try await storage.write(reading: request) { snapshot in
                var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
                let stored = Set(snapshot.flags.map(\.id))
                var seen = stored
                var all = Dictionary(grouping: snapshot.flags, by: \.household)
                var raised: [CrossCheckFlag] = []
                for flag in flags where !seen.contains(flag.id) {
                    seen.insert(flag.id)
                    batch.stage(flag)
                    batch.audit(
                        actor: actor, action: "crosscheck.flagged", subject: "household/\(flag.household)",
                        detail: "\(flag.rule.rawValue) from \(flag.source.rawValue) (flag \(flag.id))")
                    raised.append(flag)
                    all[flag.household, default: []].append(flag)
                }
                for household in Set(raised.map(\.household)).sorted() {
                    try batch.noteCrossCheck(
                        CrossCheck.summary(all[household] ?? []), on: household, serverKey: key, node: node, maxDrift: maxDrift)
                }
                batch.audit(actor: actor, action: action, subject: "crosscheck", detail: "\(detail); \(raised.count) new flags")
                return (batch.finish(), (raised, Set(flags.map(\.id)).intersection(stored).count))
            }
        }
    }
}

extension CrossCheck {
    /// What a household's `crossCheck` field says once it is flagged: the rules that fired.
    static func summary(_ flags: [CrossCheckFlag]) -> String {
        let rules = Set(flags.map(\.rule.rawValue)).sorted()
        return
            "flagged by cross-check: \(rules.joined(separator: ", ")) (\(flags.count) flag\(flags.count == 1 ? "" : "s"), see the review queue)"
    }
}

extension WriteBatch {
    /// Writes `text` into a household's server-owned `crossCheck` field as the server's signed
    /// change (logged, audited and pulled like any other), unless it already says so or the
    /// household is not on the rolls.
    mutating func noteCrossCheck(
        _ text: String, on household: HouseholdID, serverKey: Curve25519.Signing.PrivateKey, node: NodeID, maxDrift: Int64
    ) throws {
        let key = RecordKey(.household, household.description)
        guard let stored = record(key), case .state(let state) = stored.content, !state.isDeleted else { return }
        let current = state.fields["crossCheck"]
        if current?.value == .string(text) { return }
        if let stamp = current?.stamp { _ = try? clock.receive(stamp, now: now) }
        let stamp = clock.tick(now: now)
        let write = FieldWrite(field: "crossCheck", value: .string(text), stamp: stamp, base: current?.stamp)
        let change = Change(entity: .household, record: key.id, region: stored.region, payload: .writes([write]))
        let set = try ChangeSet(origin: node, stamp: stamp, changes: [change]).signed(with: serverKey)
        let office = WriterContext(role: .admin, scope: stored.region.ancestor(at: .province), isServer: true)
        let result = apply(change, in: set, bodySignature: .notApplicable, writer: office, maxDrift: maxDrift)
        remember(result, device: node)
    }
}
