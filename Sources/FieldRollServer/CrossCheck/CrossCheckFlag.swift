@preconcurrency import Crypto
import FieldRollCore
import Foundation

/// Where a cross-check's evidence comes from: one of the departments whose CSV exports the
/// office imports (`fieldroll-server crosscheck import --source …`), or the rolls themselves.
public enum CrossCheckSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// Motor vehicle registrations (public security, 公安车管).
    case vehicles
    /// Real-estate registrations (不动产登记).
    case property
    /// Bank deposits (the banks, through the people's bank branch).
    case deposits
    /// Taxable income (税务).
    case tax
    /// Business registrations (市场监管/工商).
    case business
    /// The server's own households and members: one resident ID in two households, two heads.
    case rolls

    /// The sources a department's file can come from (every case but ``rolls``).
    public static let departments: [CrossCheckSource] = [.vehicles, .property, .deposits, .tax, .business]
}

/// What a rule found: the household's declared situation contradicts the evidence.
public enum CrossCheckRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// A member owns a vehicle valued above the limit.
    case vehicleValue = "vehicle-value"
    /// The household's members own more properties than allowed (the primary home).
    case propertyCount = "property-count"
    /// The household's deposits per member exceed the limit.
    case depositsPerCapita = "deposits-per-capita"
    /// The members' taxable income, per month, exceeds the household's declared monthly income.
    case incomeAboveDeclared = "income-above-declared"
    /// A member holds an active business registration.
    case activeBusiness = "active-business"
    /// One resident ID is a member of this household and of another.
    case residentIDInTwoHouseholds = "resident-id-in-two-households"
    /// One resident ID appears twice among this household's members.
    case residentIDTwiceInHousehold = "resident-id-twice-in-household"
    /// The household has more than one member whose relation is `head`.
    case twoHeads = "two-heads"
}

/// One row of evidence: a department's CSV row (its line in the file and its cells under the
/// canonical column names), or a member of the rolls.
public struct CrossCheckEvidence: Sendable, Hashable, Codable {
    /// The line in the file (the header is line 1); nil for evidence from the rolls.
    public var line: Int?
    /// The cells that matter, by canonical column name (`resident_id`, `value_yuan`, …).
    public var cells: [String: String]

    public init(line: Int?, cells: [String: String]) {
        self.line = line
        self.cells = cells
    }

    /// The cells as one line of text, independent of where they were found: what the flag's id
    /// is derived from.
    var canonicalText: String {
        cells.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\u{1F}")
    }
}

/// A household whose declared situation another department's data (or the rolls) contradicts,
/// with the rule that fired and the evidence. Flags wait in the review queue beside the
/// household's applications for a person to look at; a flag decides nothing by itself.
///
/// Its ``id`` is derived from the source, the rule, the household and the evidence's cells, so
/// importing the same file again (or the same rows in another order, or under another file
/// name) finds the flags it raised before and raises nothing new.
public struct CrossCheckFlag: Sendable, Hashable, Codable {
    /// A lowercase UUID derived from the content (see ``derivedID(source:rule:household:evidence:)``).
    public var id: String
    public var household: HouseholdID
    /// The household's village.
    public var region: RegionCode
    public var source: CrossCheckSource
    public var rule: CrossCheckRule
    /// What the rule found, in one sentence (resident IDs masked).
    public var detail: String
    public var evidence: [CrossCheckEvidence]
    /// The file the evidence came from, as named on the command line (nil for the rolls).
    public var file: String?
    /// When the flag was raised.
    public var raisedAt: Instant

    public init(
        household: HouseholdID, region: RegionCode, source: CrossCheckSource, rule: CrossCheckRule, detail: String,
        evidence: [CrossCheckEvidence], file: String?, raisedAt: Instant
    ) {
        self.id = Self.derivedID(source: source, rule: rule, household: household, evidence: evidence)
        self.household = household
        self.region = region
        self.source = source
        self.rule = rule
        self.detail = detail
        self.evidence = evidence
        self.file = file
        self.raisedAt = raisedAt
    }

    /// The id of the flag `rule` raises against `household` on `evidence`: the first 128 bits
    /// of a SHA-256 over them, written as a lowercase UUID. Lines and file names do not count,
    /// only the cells, in any order.
    public static func derivedID(
        source: CrossCheckSource, rule: CrossCheckRule, household: HouseholdID, evidence: [CrossCheckEvidence]
    ) -> String {
        let rows = evidence.map(\.canonicalText).sorted().joined(separator: "\n")
        let text = "fieldroll-crosscheck-v1\n\(source.rawValue)\n\(rule.rawValue)\n\(household)\n\(rows)"
        let digest = Array(SHA256.hash(data: Data(text.utf8)))
        let hex = FieldRollCore.SHA256Digest.lowercaseHex(digest.prefix(16))
        let h = Array(hex)
        return [h[0..<8], h[8..<12], h[12..<16], h[16..<20], h[20..<32]].map { String($0) }.joined(separator: "-")
    }
}

extension CrossCheckFlag {
    /// The flag as the JSON text both storage backends keep in their `body` column.
    func storedBody() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads a flag back from its stored JSON.
    /// - Throws: ``StorageError`` `storage-failure` when it does not decode (a damaged row).
    init(storedBody text: String) throws {
        do { self = try JSONDecoder().decode(CrossCheckFlag.self, from: Data(text.utf8)) } catch {
            throw StorageError(.storageFailure, "a stored cross-check flag cannot be read; the database may be damaged")
        }
    }
}
