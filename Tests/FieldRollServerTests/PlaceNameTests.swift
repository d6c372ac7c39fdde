import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// Place names: the national division list read from CSV, kept by the server, shown for codes.
@Suite("Place names from the national division list")
struct PlaceNameTests {
    static let county = RegionCode(literal: "139901000000")
    static let township = RegionCode(literal: "139901002000")
    static let village = RegionCode(literal: "139901002201")
    static let otherCounty = RegionCode(literal: "139902000000")
    static let now: Int64 = 1_795_000_000_000

    /// `行政区划代码,单位名称,备注` then 河北省, 石家庄市, 长安区 (6 digits) and 建北街道 (9 digits,
    /// remark 撤并), CRLF, in GB18030: bytes spelt out, so the test does not lean on the decoder it checks.
    static let gb18030List = Data(
        GBKVehicles.hex(
            "d0d0d5fec7f8bbaeb4fac2eb2cb5a5cebbc3fbb3c62cb1b8d7a20d0a3133303030302cbad3b1b1caa12c0d0a3133303130302ccaafbcd2d7afcad02c0d0a"
                + "3133303130322cb3a4b0b2c7f82c0d0a3133303130323030312cbda8b1b1bdd6b5c02cb3b7b2a20d0a"))
    /// `行政区划代码,单位名称` then `139901,示范县`, in GB18030.
    static let gb18030County = Data(GBKVehicles.hex("d0d0d5fec7f8bbaeb4fac2eb2cb5a5cebbc3fbb3c60a3133393930312ccabeb7b6cfd80a"))

    static var fixtureFile: String { fixturesDirectory.appendingPathComponent("county/regions.csv").path }

    /// A temporary file holding `bytes`; the caller removes it.
    static func file(_ bytes: Data, _ name: String = "regions.csv") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-places-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try bytes.write(to: url)
        return url.path
    }

    /// The refusal an import error or problem carries.
    static func importRefusal(_ body: () throws -> Void) -> ImportError? {
        do {
            try body()
            return nil
        } catch let error as ImportError { return error } catch { return nil }
    }

    // MARK: Reading the list

    @Test("the fixture county's regions.csv reads as 14 names with their levels")
    func fixture() throws {
        let (names, encoding) = try PlaceNameCSV.read(contentsOfFile: Self.fixtureFile)
        #expect(encoding == .utf8)
        #expect(names.count == 14)
        #expect(names.first == PlaceName(code: Self.county, name: "示范县", level: .county))
        #expect(names.filter { $0.level == .township }.count == 3 && names.filter { $0.level == .village }.count == 10)
        #expect(names.contains(PlaceName(code: Self.village, name: "上河村", level: .village)))
    }

    @Test("a GB18030 file with the ministry's Chinese headers and 6-digit codes reads, codes padded to 12 digits")
    func gb18030() throws {
        let bytes = Self.gb18030List
        #expect(String(validating: bytes, as: UTF8.self) == nil, "really not UTF-8")
        let path = try Self.file(bytes, "行政区划代码.csv")
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let (names, encoding) = try PlaceNameCSV.read(contentsOfFile: path, encoding: .auto)
        #expect(encoding == .gb18030)
        #expect(
            names == [
                PlaceName(code: RegionCode(literal: "130000000000"), name: "河北省", level: .province),
                PlaceName(code: RegionCode(literal: "130100000000"), name: "石家庄市", level: .city),
                PlaceName(code: RegionCode(literal: "130102000000"), name: "长安区", level: .county),
                PlaceName(code: RegionCode(literal: "130102001000"), name: "建北街道", level: .township),
            ])
        #expect(try PlaceNameCSV.read(contentsOfFile: path, encoding: .gb18030).names == names)
        #expect(throws: CSVFileError.self) { try PlaceNameCSV.read(contentsOfFile: path, encoding: .utf8) }
        // The bureau's headers and its level column in Chinese and in numbers, in UTF-8 with a BOM.
        let bureau = "\u{FEFF}统计用区划代码,名称,级别,城乡分类代码\n139901000000,示范县,县,\n139901002000,柳河乡,4,\n139901002201,上河村,村,220\n"
        let read = try PlaceNameCSV.read(data: Data(bureau.utf8), name: "bureau.csv").names
        #expect(read.map(\.level) == [.county, .township, .village] && read.map(\.name) == ["示范县", "柳河乡", "上河村"])
    }

    @Test("bad rows are refused with their lines and nothing is returned")
    func badRows() throws {
        let text = """
            code,name,level
            139901000000,示范县,county
            1399010022,上河村,village
            139901002202,,village
            139901002000,柳河乡,村
            1.39901E+11,枣林村,village
            139901002203,枣林村,hamlet
            139901000000,另一个县,county

            """
        let error = try #require(Self.importRefusal { _ = try PlaceNameCSV.read(data: Data(text.utf8), name: "regions.csv") })
        #expect(error.code == .invalidRecord)
        #expect(error.refusals.map(\.line) == [3, 4, 5, 6, 7, 8])
        #expect(error.refusals.map(\.column) == ["code", "name", "level", "code", "level", "code"])
        #expect(error.message.hasPrefix("nothing imported: regions.csv row 3: code: 1399010022 has 10 digits"), "\(error.message)")
        #expect(error.problems[2].contains("does not fit code 139901002000, which is a township code"))
        #expect(error.problems[3].contains("format the code column as text"))
        #expect(error.problems[5].contains("named 示范县 on row 2 already"))
        // A file without a code or name column, or without rows.
        let noName = try #require(Self.importRefusal { _ = try PlaceNameCSV.read(data: Data("代码,备注\n110000,x\n".utf8), name: "a.csv") })
        #expect(noName.code == .missingColumns && noName.message.contains("a name (name, 名称, 单位名称, 区划名称)"))
        let empty = try #require(Self.importRefusal { _ = try PlaceNameCSV.read(data: Data("code,name\n".utf8), name: "a.csv") })
        #expect(empty.code == .invalidCSV)
        #expect(throws: CSVFileError.self) { try PlaceNameCSV.read(data: Data("code,name\n\"110000,北京\n".utf8), name: "a.csv") }
    }

    // MARK: Showing names

    @Test("a label is the name or the digits; a path names the places above, below a top, leaving unknown ones out")
    func paths() throws {
        let names = PlaceNames([
            PlaceName(code: Self.county, name: "示范县"), PlaceName(code: Self.township, name: "柳河乡"),
            PlaceName(code: Self.village, name: "上河村"),
        ])
        #expect(names.name(of: Self.village) == "上河村" && names.name(of: Self.otherCounty) == nil)
        #expect(names.label(Self.village) == "上河村" && names.label(Self.otherCounty) == "139902000000")
        #expect(names.path(Self.village) == "示范县 柳河乡 上河村")
        #expect(names.path(Self.village, below: Self.county) == "柳河乡 上河村")
        #expect(names.path(Self.village, below: Self.township) == "上河村")
        #expect(names.path(Self.village, below: Self.village) == "上河村")
        #expect(names.path(Self.village, below: Self.otherCounty) == "示范县 柳河乡 上河村", "a top that does not contain it")
        #expect(names.path(RegionCode(literal: "139901002299"), below: Self.county) == "柳河乡 139901002299")
        #expect(names.path(Self.county) == "示范县")
        // What a person types finds the code: a name, or a path.
        #expect(names.codes(named: "上河村") == [Self.village] && names.codes(named: " 柳河乡  上河村 ") == [Self.village])
        #expect(names.codes(named: "北坡镇 上河村").isEmpty && names.codes(named: "无此村").isEmpty && names.codes(named: "").isEmpty)
        // A township directly under a city (东莞): the city is named once.
        let dongguan = PlaceNames([
            PlaceName(code: RegionCode(literal: "440000000000"), name: "广东省"),
            PlaceName(code: RegionCode(literal: "441900000000"), name: "东莞市"),
            PlaceName(code: RegionCode(literal: "441900003000"), name: "东城街道"),
        ])
        #expect(dongguan.path(RegionCode(literal: "441900003000")) == "广东省 东莞市 东城街道")
        #expect(dongguan.path(RegionCode(literal: "441900003000"), below: RegionCode(literal: "441900000000")) == "东城街道")
        let json = try JSONEncoder().encode(PlaceName(code: Self.village, name: "上河村"))
        #expect(String(decoding: json, as: UTF8.self).contains(#""level":"village""#))
        #expect(try JSONDecoder().decode(PlaceName.self, from: json) == PlaceName(code: Self.village, name: "上河村"))
    }

    // MARK: Stored by the pipeline

    @Test(
        "names round-trip through storage; a new name replaces the old; the cache sees an import at once",
        arguments: StorageBackendKind.allCases)
    func roundTrip(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let p = server.pipeline
        #expect(try await p.placeNames().isEmpty)
        #expect(try await p.placeNames().label(Self.village) == "139901002201", "cached while empty, still a label")
        let (names, _) = try PlaceNameCSV.read(contentsOfFile: Self.fixtureFile)
        #expect(try await p.importPlaceNames(names, as: .operator("王科长"), now: Self.now) == 14)
        let known = try await p.placeNames()
        #expect(known.count == 14 && known.path(Self.village, below: Self.county) == "柳河乡 上河村")
        #expect(Set(try await p.storage.placeNames()) == Set(names))
        // The township is renamed, and a village added: the rest stays.
        let renamed = [PlaceName(code: Self.township, name: "柳河镇"), PlaceName(code: RegionCode(literal: "139901002299"), name: "新村")]
        #expect(try await p.importPlaceNames(renamed, as: .operator(), now: Self.now + 1) == 2)
        let after = try await p.placeNames()
        #expect(after.count == 15 && after.path(Self.village, below: Self.county) == "柳河镇 上河村")
        let stored = try await p.storage.placeNames()
        #expect(stored.map(\.code) == stored.map(\.code).sorted() && stored.count == 15)
        #expect(stored.first { $0.code == Self.township } == PlaceName(code: Self.township, name: "柳河镇", level: .township))
        // Another pipeline on the same database (another server process) reads what was stored.
        let other = SyncPipeline(storage: p.storage, identity: p.identity)
        #expect(try await other.placeNames().name(of: Self.township) == "柳河镇")
        let audit = try await p.storage.auditEntries(after: 0, limit: 100).filter { $0.action == "regions.imported" }
        #expect(audit.map(\.actor) == ["admin:王科长", "admin"])
        #expect(audit.first?.detail == "14 place names (1 county, 3 township, 10 village)" && audit.first?.subject == "regions")
        #expect(try await p.verifyAudit().ok)
    }

    @Test(
        "a reviewer is refused, a county's admin is refused another county's code, and a refused import writes nothing",
        arguments: StorageBackendKind.allCases)
    func whoMayImport(backend: StorageBackendKind) async throws {
        let server = try await TestServer(backend: backend)
        defer { Task { await server.close() } }
        let p = server.pipeline
        func staff(_ role: StaffRole) -> Principal {
            .staff(StaffAccount(name: "s-\(role.rawValue)", role: role, scope: Self.county, passwordHash: "x", createdAt: 0))
        }
        let mine = PlaceName(code: Self.village, name: "上河村")
        let theirs = PlaceName(code: RegionCode(literal: "139902001201"), name: "别县村")
        let before = try await p.storage.head()
        for role in [StaffRole.viewer, .reviewer, .approver] {
            #expect(await refusal { try await p.importPlaceNames([mine], as: staff(role), now: Self.now) } == .forbidden, "\(role)")
        }
        let reviewerDevice = Principal(
            kind: .device(try NodeID("device-1")), name: "device-1", role: .reviewer, scope: Self.county, seesFullIdentifiers: false)
        #expect(await refusal { try await p.importPlaceNames([mine], as: reviewerDevice, now: Self.now) } == .forbidden)
        #expect(await refusal { try await p.importPlaceNames([mine, theirs], as: staff(.admin), now: Self.now) } == .scopeViolation)
        // The county itself and everything in it, but nothing above it.
        let province = PlaceName(code: RegionCode(literal: "130000000000"), name: "某省")
        #expect(await refusal { try await p.importPlaceNames([province], as: staff(.admin), now: Self.now) } == .scopeViolation)
        // Names the list would refuse are refused here too, whoever calls.
        for bad in [
            PlaceName(code: Self.village, name: ""), PlaceName(code: Self.village, name: " 上河村"),
            PlaceName(code: Self.village, name: "上河村", level: .township),
        ] {
            #expect(await refusal { try await p.importPlaceNames([bad], as: .operator(), now: Self.now) } == .invalidRecord, "\(bad)")
        }
        #expect(
            await refusal {
                try await p.importPlaceNames([mine, PlaceName(code: Self.village, name: "下河村")], as: .operator(), now: Self.now)
            } == .invalidRecord)
        #expect(try await p.storage.head() == before, "nothing written, not even an audit entry")
        #expect(try await p.placeNames().isEmpty)
        #expect(try await p.storage.placeNames().isEmpty)
        // Inside the county the admin imports.
        #expect(try await p.importPlaceNames([mine, PlaceName(code: Self.county, name: "示范县")], as: staff(.admin), now: Self.now) == 2)
        let entry = try #require(try await p.storage.auditEntries(after: 0, limit: 100).last)
        #expect(entry.action == "regions.imported" && entry.actor == "staff:s-admin" && entry.subject == "region/139901000000")
    }

    // MARK: On the command line

    @Test(
        "regions import and list; a bad file is refused with its lines; exports carry names and still import back",
        arguments: StorageBackendKind.allCases)
    func commandLine(backend: StorageBackendKind) throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-places-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        var server = ["--data", data]
        if let url = try backend.freshDatabaseURL() { server += ["--database", url] }
        #expect(try CLI.run(["init"] + server).0 == 0)
        // Nothing yet.
        let (_, none, _) = try CLI.run(["regions", "list"] + server)
        #expect(none.hasPrefix("no place names"), "\(none)")
        // A bad file: exit 1, one line naming the rows, nothing imported.
        let bad = try Self.file(Data("code,name\n139901000000,示范县\n13990100220,上河村\n139901002202,\n".utf8))
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: bad).deletingLastPathComponent().path) }
        let (refused, _, why) = try CLI.run(["regions", "import", bad] + server)
        #expect(refused == 1, "\(why)")
        #expect(
            why.hasPrefix("Error: invalid-record: nothing imported: regions.csv row 3: code: ") && why.contains("row 4: name: is empty"))
        #expect(why.split(separator: "\n").count == 1, "one line: \(why)")
        #expect(try CLI.run(["regions", "list", "--json"] + server).1 == "[]\n")
        // The fixture county's list.
        let (status, out, err) = try CLI.run(["regions", "import", Self.fixtureFile, "--by", "王科长"] + server)
        #expect(status == 0, "\(err)")
        #expect(out == "imported 14 place names from \(Self.fixtureFile) (utf-8): 1 county, 3 township, 10 village\n", "\(out)")
        let (_, listed, _) = try CLI.run(["regions", "list", "--under", "139901002000"] + server)
        let lines = listed.split(separator: "\n")
        #expect(lines.count == 4 && lines.first == "139901002000  township  示范县 柳河乡", "\(listed)")
        #expect(lines.contains("139901002201  village   示范县 柳河乡 上河村"))
        let (_, json, _) = try CLI.run(["regions", "list", "--under", "139901002201", "--json"] + server)
        #expect(json == #"[{"code":"139901002201","level":"village","name":"上河村"}]"# + "\n", "\(json)")
        // A GB18030 list with the ministry's headers, read as asked.
        let gbk = Self.gb18030County
        let gbFile = try Self.file(gbk)
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: gbFile).deletingLastPathComponent().path) }
        let (gbStatus, gbOut, gbErr) = try CLI.run(["regions", "import", "--encoding", "gb18030", gbFile, "--json"] + server)
        #expect(gbStatus == 0 && gbOut == #"{"encoding":"gb18030","imported":1,"levels":{"county":1}}"# + "\n", "\(gbOut) \(gbErr)")
        let (asUTF8, _, utf8Err) = try CLI.run(["regions", "import", "--encoding", "utf-8", gbFile] + server)
        #expect(asUTF8 == 1 && utf8Err.hasPrefix("Error: unsupported-encoding: "), "\(utf8Err)")
        // Exports: the name beside each code, below the export's scope; the file imports back as it was.
        let county = fixturesDirectory.appendingPathComponent("county")
        let households = county.appendingPathComponent("households.csv").path
        #expect(try CLI.run(["import", "--households", households] + server).0 == 0)
        let export = data + "-households.csv"
        defer { try? FileManager.default.removeItem(atPath: export) }
        #expect(try CLI.run(["export", "households", "--scope", "139901000000", "--out", export] + server).0 == 0)
        let table = OfficeCSV.normalised(try CSVTable(contentsOfFile: export))
        #expect(Array(table.header.prefix(3)) == ["id", "region", "region_name"])
        let row = try #require(table.records.first { $0["region"] == "139901002201" })
        #expect(row["region_name"] == "柳河乡 上河村")
        #expect(try String(contentsOfFile: export, encoding: .utf8).contains("编号,区划代码,地区,"))
        let (again, againOut, againErr) = try CLI.run(["import", "--households", export, "--json"] + server)
        #expect(again == 0 && againOut.contains(#""changed":0"#), "\(againOut) \(againErr)")
        // The audit log names the importer, and still verifies.
        #expect(try CLI.run(["audit", "verify"] + server).0 == 0)
    }
}
