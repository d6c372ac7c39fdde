import FieldRollCore
import Foundation

/// The cross-check rules: pure functions from a department's rows (or the rolls) to the flags
/// they raise. No I/O; ``SyncPipeline/crossCheck(_:source:file:encoding:thresholds:scope:as:now:)`` stores
/// what they decide.
///
/// A row is keyed by resident ID. One whose ID fails its GB 11643 check (or whose amount is
/// not an amount) is a bad row: reported with its line, never applied. One whose ID is not on
/// the rolls is counted as unmatched and flags nothing. Every other row is evidence against
/// each household that has a member with that ID.
public enum CrossCheck {
    /// A row that was not applied, and why.
    public struct BadRow: Sendable, Hashable, Codable {
        /// The line in the file (the header is line 1).
        public var line: Int
        /// The canonical column at fault.
        public var column: String
        public var reason: String
        public var message: String
    }

    /// What a department's file raised.
    public struct Evaluation: Sendable {
        public var flags: [CrossCheckFlag] = []
        public var badRows: [BadRow] = []
        /// Data rows in the file.
        public var rows = 0
        /// Good rows whose resident ID is a member of some household.
        public var matched = 0
        /// Good rows whose resident ID is on no roll.
        public var unmatched = 0
    }

    /// A good row: its line, the person it names, the cells under canonical names.
    struct Row {
        var line: Int
        var residentID: ResidentID
        var cells: [String: String]
        /// The row's amount in fen (value, balance, income), for the sources that have one.
        var amount: Fen?
        var evidence: CrossCheckEvidence { CrossCheckEvidence(line: line, cells: cells) }
    }

    /// The column holding each source's amount.
    static func amountColumn(_ source: CrossCheckSource) -> String? {
        switch source {
        case .vehicles: "value_yuan"
        case .deposits: "balance_yuan"
        case .tax: "annual_income_yuan"
        default: nil
        }
    }

    /// Applies `source`'s rule to a department's table.
    /// - Parameter file: the file's name, for messages and the flags' `file`.
    /// - Throws: ``CSVFileError`` `missing-columns` when the table lacks a column the source needs.
    public static func evaluate(
        _ table: CSVTable, source: CrossCheckSource, file: String, rolls: RollIndex, thresholds: CrossCheckThresholds, now: Instant
    ) throws(CSVFileError) -> Evaluation {
        let layout = CrossCheckLayout.of(source)
        let positions = try layout.positions(of: table.header, file: file)
        var out = Evaluation()
        out.rows = table.rows.count
        var good: [Row] = []
        for (i, cells) in table.rows.enumerated() {
            let line = i + 2
            var named: [String: String] = [:]
            for (name, p) in positions where p < cells.count { named[name] = cells[p].trimmingCharacters(in: .whitespaces) }
            let ridText = named["resident_id"] ?? ""
            let rid: ResidentID
            do { rid = try ResidentID(ridText, field: "resident_id") } catch {
                let issue = error.issues.first
                out.badRows.append(
                    BadRow(
                        line: line, column: "resident_id", reason: issue?.reason ?? "bad-format",
                        message: ridText.isEmpty
                            ? "no resident ID"
                            // Masked like the notice: the log and the console show bad rows, and an ID is personal.
                            : "resident ID \(NoticeMask.residentID(String(ridText.prefix(24)))): \(issue?.message ?? error.message)"))
                continue
            }
            named["resident_id"] = rid.rawValue
            var amount: Fen?
            if let column = amountColumn(source) {
                do { amount = try Fen(departmentYuan: named[column] ?? "", field: column) } catch {
                    out.badRows.append(
                        BadRow(
                            line: line, column: column, reason: "bad-format",
                            message: "\(column) \"\((named[column] ?? "").prefix(24))\" is not an amount in yuan"))
                    continue
                }
                if let a = amount, a < .zero {
                    out.badRows.append(BadRow(line: line, column: column, reason: "negative", message: "\(column) is negative"))
                    continue
                }
                // Stored in evidence as the amount read, so "86,000" and "86000.00" are one fact.
                named[column] = amount?.description
            }
            if source == .tax {
                guard let year = named["tax_year"], year.count == 4, Int(year) != nil else {
                    out.badRows.append(
                        BadRow(line: line, column: "tax_year", reason: "bad-format", message: "tax_year must be a year such as 2025"))
                    continue
                }
            }
            if rolls.people(withResidentID: rid).isEmpty {
                out.unmatched += 1
                continue
            }
            out.matched += 1
            good.append(Row(line: line, residentID: rid, cells: named, amount: amount))
        }
        out.flags = flags(good, source: source, file: file, rolls: rolls, thresholds: thresholds, now: now)
        return out
    }

    /// The flags `source`'s rule raises on good, matched rows.
    static func flags(
        _ rows: [Row], source: CrossCheckSource, file: String, rolls: RollIndex, thresholds t: CrossCheckThresholds, now: Instant
    ) -> [CrossCheckFlag] {
        var out: [CrossCheckFlag] = []
        func raise(_ household: HouseholdID, _ rule: CrossCheckRule, _ detail: String, _ evidence: [Row]) {
            let region = rolls.households[household]?.region ?? rolls.members(of: household).first?.region
            guard let region else { return }
            out.append(
                CrossCheckFlag(
                    household: household, region: region, source: source, rule: rule, detail: detail, evidence: evidence.map(\.evidence),
                    file: file, raisedAt: now))
        }
        /// The rows of each household, in household order (so output is stable).
        func byHousehold() -> [(HouseholdID, [Row])] {
            var groups: [HouseholdID: [Row]] = [:]
            for row in rows {
                for h in Set(rolls.people(withResidentID: row.residentID).map(\.household)) { groups[h, default: []].append(row) }
            }
            return groups.sorted { $0.key < $1.key }
        }
        switch source {
        case .vehicles:
            for (h, rs) in byHousehold() {
                for r in rs where (r.amount ?? .zero) > t.vehicleValue {
                    raise(
                        h, .vehicleValue,
                        "\(r.residentID.masked) owns vehicle \(r.cells["plate"] ?? "?") valued \(r.amount ?? .zero) yuan, above the \(t.vehicleValue) yuan limit",
                        [r])
                }
            }
        case .property:
            for (h, rs) in byHousehold() {
                let certificates = Set(rs.map { $0.cells["certificate"] ?? "" })
                if certificates.count > t.propertiesAllowed {
                    raise(
                        h, .propertyCount, "the household's members own \(certificates.count) properties; \(t.propertiesAllowed) allowed",
                        rs)
                }
            }
        case .deposits:
            for (h, rs) in byHousehold() {
                let total = rs.reduce(Fen.zero) { $0 + ($1.amount ?? .zero) }
                let size = Int64(max(1, rolls.members(of: h).count))
                let each = Fen(total.rawValue / size)
                if each > t.depositsPerCapita {
                    raise(
                        h, .depositsPerCapita,
                        "deposits of \(total) yuan for \(size) members are \(each) yuan each, above the \(t.depositsPerCapita) yuan limit",
                        rs)
                }
            }
        case .tax:
            for (h, rs) in byHousehold() {
                let declared = rolls.households[h]?.declaredMonthlyIncome ?? .zero
                for year in Set(rs.compactMap { $0.cells["tax_year"] }).sorted() {
                    let ofYear = rs.filter { $0.cells["tax_year"] == year }
                    let annual = ofYear.reduce(Fen.zero) { $0 + ($1.amount ?? .zero) }
                    let monthly = Fen(annual.rawValue / 12)
                    if monthly > declared + t.incomeTolerance {
                        raise(
                            h, .incomeAboveDeclared,
                            "taxable income of \(annual) yuan in \(year) is \(monthly) yuan a month, above the declared \(declared) yuan a month",
                            ofYear)
                    }
                }
            }
        case .business:
            for (h, rs) in byHousehold() {
                for r in rs where t.activeBusinessStatuses.contains((r.cells["status"] ?? "").lowercased()) {
                    raise(
                        h, .activeBusiness,
                        "\(r.residentID.masked) holds an active business registration: \(r.cells["company"] ?? "?") (\(r.cells["status"] ?? ""))",
                        [r])
                }
            }
        case .rolls:
            break
        }
        return out
    }

    /// The flags the rolls raise against themselves: a resident ID that is a member of two
    /// households (each is flagged), the same resident ID twice in one household, a household
    /// with more than one head.
    public static func rollFlags(_ rolls: RollIndex, now: Instant) -> [CrossCheckFlag] {
        var out: [CrossCheckFlag] = []
        func raise(_ household: HouseholdID, _ rule: CrossCheckRule, _ detail: String, _ people: [RollIndex.Person]) {
            guard let region = rolls.households[household]?.region ?? people.first(where: { $0.household == household })?.region else {
                return
            }
            out.append(
                CrossCheckFlag(
                    household: household, region: region, source: .rolls, rule: rule, detail: detail,
                    evidence: people.sorted { $0.member < $1.member }.map(\.evidence), file: nil, raisedAt: now))
        }
        for (rid, people) in rolls.residentIDs.sorted(by: { $0.key < $1.key }) {
            let masked = Disclosure.maskResidentID(rid)
            let households = Set(people.map(\.household))
            if households.count > 1 {
                for h in households.sorted() {
                    raise(
                        h, .residentIDInTwoHouseholds,
                        "resident ID \(masked) is a member of this household and of \(households.count - 1) other household(s)", people)
                }
            }
            for h in households.sorted() {
                let here = people.filter { $0.household == h }
                if here.count > 1 {
                    raise(h, .residentIDTwiceInHousehold, "resident ID \(masked) is \(here.count) members of this household", here)
                }
            }
        }
        for (h, members) in rolls.memberships.sorted(by: { $0.key < $1.key }) {
            let heads = members.filter { $0.relation == Relation.head.rawValue }
            if heads.count > 1 {
                raise(h, .twoHeads, "the household has \(heads.count) members whose relation is head", heads)
            }
        }
        return out
    }
}
