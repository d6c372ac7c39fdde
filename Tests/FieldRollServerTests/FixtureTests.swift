import FieldRollCore
import FieldRollServer
import Foundation
import Testing

let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

@Suite("The committed fixtures")
struct FixtureTests {
    @Test("Fixtures/county is exactly what the generator makes from seed 2026 with 200 households")
    func countyMatchesGenerator() throws {
        let county = CountyGenerator(seed: 2026, households: 200).generate()
        for (name, table) in CountyFixtureWriter(county: county).tables {
            let stored = try String(contentsOf: fixturesDirectory.appendingPathComponent("county/\(name)"), encoding: .utf8)
            #expect(
                stored == table.text,
                "\(name) differs: regenerate with `fieldroll-server fixtures generate --households 200 --seed 2026 --out Fixtures/county`")
        }
    }

    @Test("the photos are JPEGs whose SHA-256 matches SHA256SUMS")
    func photos() throws {
        let dir = fixturesDirectory.appendingPathComponent("photos")
        let sums = try String(contentsOf: dir.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        let lines = sums.split(separator: "\n")
        #expect(lines.count == 3)
        for line in lines {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            let data = try Data(contentsOf: dir.appendingPathComponent(String(parts[1])))
            #expect(SHA256Digest(of: data).hex == String(parts[0]))
            #expect(data.prefix(3) == Data([0xFF, 0xD8, 0xFF]) && data.suffix(2) == Data([0xFF, 0xD9]), "\(parts[1]) is not a JPEG")
        }
    }

    @Test("CSV cells with commas, quotes and line breaks are quoted")
    func csvQuoting() {
        let t = CSVTable(header: ["a", "b"], rows: [["1,2", "say \"hi\""], ["line\nbreak", "plain"]])
        #expect(t.text == "a,b\n\"1,2\",\"say \"\"hi\"\"\"\n\"line\nbreak\",plain\n")
    }

    @Test("the writer creates the folder and leaves no temporary files")
    func writes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fr-fixtures-\(UUID())/deep")
        defer { try? FileManager.default.removeItem(at: dir.deletingLastPathComponent()) }
        let files = try CountyFixtureWriter(county: CountyGenerator(seed: 3, households: 12).generate()).write(to: dir)
        #expect(files.map(\.lastPathComponent) == ["enrolments.csv", "households.csv", "members.csv", "regions.csv", "standards.csv"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == files.map(\.lastPathComponent))
    }
}
