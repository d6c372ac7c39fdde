import FieldRollCore
import Foundation

/// Writes a ``SyntheticCounty`` as the CSV files an office would hold: regions, households,
/// members, programme standards and the roll. Money is in yuan with two decimals (as offices
/// write it); ids are UUIDs; sensitive columns hold synthetic values only.
public struct CountyFixtureWriter: Sendable {
    public let county: SyntheticCounty

    public init(county: SyntheticCounty) { self.county = county }

    /// File name → CSV text.
    public var tables: [String: CSVTable] {
        let regions = CSVTable(
            header: ["code", "name", "level", "urban"],
            rows: county.regions.map { [$0.code.digits, $0.name, "\($0.level)", $0.urban ? "yes" : "no"] })
        let households = CSVTable(
            header: ["id", "region", "address", "head_name", "phone", "housing", "housing_area_m2", "declared_monthly_income_yuan", "assets"],
            rows: county.households.map {
                [$0.id.description, $0.region.digits, $0.address, $0.headName, $0.phone?.rawValue ?? "", $0.housing.rawValue,
                 $0.housingArea.map(String.init) ?? "", $0.declaredMonthlyIncome.description, $0.assets ?? ""]
            })
        let members = CSVTable(
            header: ["id", "household_id", "region", "name", "resident_id", "relation", "birth_date", "sex", "disability", "health", "work",
                     "monthly_income_yuan", "phone"],
            rows: county.members.map {
                [$0.id.description, $0.householdID.description, $0.region.digits, $0.name, $0.residentID.rawValue, $0.relation.rawValue,
                 $0.birthDate.description, $0.sex.rawValue, $0.disability.rawValue, $0.health.rawValue, $0.work.rawValue,
                 $0.monthlyIncome.description, $0.phone?.rawValue ?? ""]
            })
        let standards = CSVTable(
            header: ["region", "programme", "monthly_per_capita_yuan", "effective_from"],
            rows: county.standards.map { [$0.region.digits, $0.programme.rawValue, $0.monthlyPerCapita.description, $0.effectiveFrom.description] })
        let roll = CSVTable(
            header: ["id", "household_id", "region", "programme", "status", "monthly_amount_yuan", "applied_on", "start_date"],
            rows: county.enrolments.map {
                [$0.id.description, $0.householdID.description, $0.region.digits, $0.programme.rawValue, $0.status.rawValue,
                 $0.monthlyAmount.description, $0.appliedOn.description, $0.startDate?.description ?? ""]
            })
        return ["regions.csv": regions, "households.csv": households, "members.csv": members, "standards.csv": standards, "enrolments.csv": roll]
    }

    /// Writes every table into `directory`, creating it if needed. Each file is written to a
    /// temporary name and renamed, so a crash never leaves half a table behind.
    /// - Returns: the files written, sorted.
    @discardableResult
    public func write(to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [URL] = []
        for (name, table) in tables.sorted(by: { $0.key < $1.key }) {
            let url = directory.appendingPathComponent(name)
            try Data(table.text.utf8).write(to: url, options: .atomic)
            written.append(url)
        }
        return written
    }
}
