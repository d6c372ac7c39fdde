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
        let households = CSVTable(header: OfficeCSV.householdHeader, rows: county.households.map(OfficeCSV.row))
        let members = CSVTable(header: OfficeCSV.memberHeader, rows: county.members.map(OfficeCSV.row))
        let standards = CSVTable(
            header: ["region", "programme", "monthly_per_capita_yuan", "effective_from"],
            rows: county.standards.map {
                [$0.region.digits, $0.programme.rawValue, $0.monthlyPerCapita.description, $0.effectiveFrom.description]
            })
        let roll = CSVTable(header: OfficeCSV.enrolmentHeader, rows: county.enrolments.map(OfficeCSV.row))
        return [
            "regions.csv": regions, "households.csv": households, "members.csv": members, "standards.csv": standards,
            "enrolments.csv": roll,
        ]
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
