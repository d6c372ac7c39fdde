import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// A small county's rolls for cross-checks: households with their members and applications,
/// imported the way an office imports them.
struct CrossCheckCounty {
    static let village = RegionCode(literal: "139901002201")
    /// 2026-11-25 10:00 in Beijing.
    static let morning: Int64 = 1_795_572_000_000

    /// A resident ID with its GB 11643 check digit computed from `first17`.
    static func rid(_ first17: String) throws -> ResidentID {
        try ResidentID(first17 + String(ResidentID.checkCharacter(for: first17.compactMap(\.wholeNumberValue))))
    }

    /// The same number with a wrong check digit.
    static func wrongDigit(_ first17: String) throws -> String {
        let right = try rid(first17).rawValue.last
        return first17 + (right == "1" ? "2" : "1")
    }

    static let zhangSan = "11010519800101001"
    static let wangFang = "11010519820303002"
    static let liSi = "11010519850202003"
    static let notOnRolls = "11010519900303005"

    var households: [Household] = []
    var members: [Member] = []
    var enrolments: [Enrolment] = []

    @discardableResult
    mutating func household(income: Fen = .yuan(1200), _ people: [(String, String, Relation)]) throws -> HouseholdID {
        let head = people.first?.0 ?? "户主"
        let h = Household(
            region: Self.village, address: "\(head)家", headName: head, housing: .selfBuilt, declaredMonthlyIncome: income)
        households.append(h)
        for (name, id, relation) in people {
            members.append(
                Member(
                    householdID: h.id, region: Self.village, name: name, residentID: try Self.rid(id), relation: relation, work: .farming,
                    monthlyIncome: .zero))
        }
        enrolments.append(
            Enrolment(
                householdID: h.id, region: Self.village, programme: .ruralDibao, status: .applied, monthlyAmount: .zero,
                appliedOn: try CalendarDate("2026-11-20"), statusSince: try CalendarDate("2026-11-20")))
        return h.id
    }

    var tables: (CSVTable, CSVTable, CSVTable) {
        (
            CSVTable(header: OfficeCSV.householdHeader, rows: households.map(OfficeCSV.row)),
            CSVTable(header: OfficeCSV.memberHeader, rows: members.map(OfficeCSV.row)),
            CSVTable(header: OfficeCSV.enrolmentHeader, rows: enrolments.map(OfficeCSV.row))
        )
    }

    func open(_ backend: StorageBackendKind) async throws -> (SyncPipeline, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-crosscheck-\(UUID().uuidString)")
        let config = ServerConfiguration(dataDirectory: folder.path, databaseURL: try backend.freshDatabaseURL())
        let storage = try await ServerOpener.storage(config, create: true)
        let pipeline = try await SyncPipeline.initialize(storage, now: Self.morning - 86_400_000)
        let (h, m, e) = tables
        _ = try await OfficeImport(pipeline: pipeline).run(
            households: h, members: m, enrolments: e, as: .operator(), history: true, now: Self.morning - 3_600_000)
        return (pipeline, folder)
    }
}

extension RegionCode {
    init(literal digits: String) {
        do { try self.init(digits) } catch { preconditionFailure("\(digits) is a region code") }
    }
}

/// A vehicles export as the public-security system writes it: GBK, Chinese headers, CRLF,
/// thousands separators in a quoted cell. Bytes spelled out, so the test does not lean on the
/// encoder it checks.
enum GBKVehicles {
    /// 身份证号码,号牌号码,车辆价值(元),品牌型号
    static let header =
        hex("c9edb7ddd6a4bac5c2eb") + ascii(",") + hex("bac5c5c6bac5c2eb") + ascii(",")
        + hex("b3b5c1bebcdbd6b528d4aa29") + ascii(",") + hex("c6b7c5c6d0cdbac5")
    /// 辽K88888, 辽K12345, 大众帕萨特
    static let plate88888 = hex("c1c94b3838383838")
    static let plate12345 = hex("c1c94b3132333435")
    static let passat = hex("b4f3d6dac5c1c8f8ccd8")

    static func hex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(text)
        while chars.count >= 2 {
            out.append(UInt8(String(chars[0..<2]), radix: 16) ?? 0)
            chars.removeFirst(2)
        }
        return out
    }

    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Line 2: 张三's 86,000-yuan car (a hit); line 3: 李四's 20,000-yuan car (clean); line 4: a
    /// mistyped resident ID; line 5: someone on no roll.
    static func file() throws -> Data {
        let c = CrossCheckCounty.self
        var bytes = header + ascii("\r\n")
        bytes += ascii(try c.rid(c.zhangSan).rawValue + ",") + plate88888 + ascii(",\"86,000.00\",") + passat + ascii("\r\n")
        bytes += ascii(try c.rid(c.liSi).rawValue + ",") + plate12345 + ascii(",20000,") + passat + ascii("\r\n")
        bytes += ascii(try c.wrongDigit(c.zhangSan) + ",") + plate12345 + ascii(",90000,\r\n")
        bytes += ascii(try c.rid(c.notOnRolls).rawValue + ",") + plate12345 + ascii(",90000,\r\n")
        return Data(bytes)
    }
}

@Suite("Cross-checks flag households that other departments' data contradicts")
struct CrossCheckTests {
    typealias C = CrossCheckCounty

    func makeCounty() throws -> (CrossCheckCounty, HouseholdID, HouseholdID) {
        var county = CrossCheckCounty()
        let zhang = try county.household([("张三", C.zhangSan, .head), ("王芳", C.wangFang, .spouse)])
        let li = try county.household([("李四", C.liSi, .head)])
        return (county, zhang, li)
    }

    func vehicles(_ data: Data) throws -> (CSVTable, TextEncoding) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vehicles-\(UUID().uuidString).csv")
        try data.write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try CSVTable.departmentFile(url.path, encoding: .auto)
    }

    func household(_ p: SyncPipeline, _ id: HouseholdID) async throws -> Household {
        let record = try #require(try await p.records(of: .household, in: C.village).first { $0.id == id.description })
        guard case .state(let s) = record.content else { throw CSVFileError(.notFound, "no state") }
        return try Household(id: id, values: s.values)
    }

    @Test(
        "a GBK vehicles file flags the owner's household with the evidence row and the rule; a clean row flags nothing; a bad check digit is reported, not applied",
        arguments: StorageBackendKind.allCases)
    func gbkHit(backend: StorageBackendKind) async throws {
        let (county, zhang, li) = try makeCounty()
        let (p, folder) = try await county.open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (table, used) = try vehicles(try GBKVehicles.file())
        #expect(used == .gb18030)
        let report = try await p.crossCheck(
            table, source: .vehicles, file: "车辆.csv", encoding: used, thresholds: CrossCheckThresholds(), as: .operator("admin:test"),
            now: C.morning)

        #expect(report.rows == 4 && report.matched == 2 && report.unmatched == 1)
        #expect(report.badRows.map(\.line) == [4] && report.badRows.first?.reason == "bad-check-digit")
        #expect(report.raised.count == 1)
        let flag = try #require(report.raised.first)
        #expect(flag.household == zhang && flag.rule == .vehicleValue && flag.source == .vehicles && flag.file == "车辆.csv")
        #expect(flag.evidence.map(\.line) == [2])
        #expect(flag.evidence.first?.cells["plate"] == "辽K88888" && flag.evidence.first?.cells["value_yuan"] == "86000.00")
        #expect(flag.evidence.first?.cells["model"] == "大众帕萨特")
        #expect(flag.detail.contains("86000.00") && flag.detail.contains("50000.00") && !flag.detail.contains(C.zhangSan))

        // Stored, and in the review queue beside 张三's application only.
        #expect(try await p.flags(in: C.village) == [flag])
        let queue = try await p.reviewQueue(in: C.village, today: try CalendarDate("2026-11-25"))
        #expect(queue.count == 2)
        #expect(queue.first { $0.enrolment.householdID == zhang }?.flags == [flag])
        #expect(queue.first { $0.enrolment.householdID == li }?.flags == [])

        // The household's server-owned field says so, as a change devices in the village pull.
        #expect(try await household(p, zhang).crossCheck?.contains("vehicle-value") == true)
        #expect(try await household(p, li).crossCheck == nil)
        let pulled = try await p.pull(after: 0, scope: C.village, limit: 1000, now: C.morning)
        let noted = pulled.changes.filter {
            guard $0.change.entity == .household, case .writes(let w) = $0.change.payload else { return false }
            return w.map(\.field) == ["crossCheck"]
        }
        #expect(noted.map(\.change.record) == [zhang.description] && noted.first?.origin == p.serverNode)

        let audit = try await p.storage.auditEntries(after: 0, limit: 10_000)
        #expect(audit.filter { $0.action == "crosscheck.flagged" }.map(\.subject) == ["household/\(zhang)"])
        #expect(try await p.verifyAudit().firstBad == nil)
    }

    @Test("a second import of the same file, or of its rows in another order, changes nothing", arguments: StorageBackendKind.allCases)
    func idempotent(backend: StorageBackendKind) async throws {
        let (county, _, _) = try makeCounty()
        let (p, folder) = try await county.open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (table, _) = try vehicles(try GBKVehicles.file())
        let first = try await p.crossCheck(
            table, source: .vehicles, file: "车辆.csv", thresholds: CrossCheckThresholds(), as: .operator("admin:test"), now: C.morning)
        let flags = try await p.flags(in: nil)
        let head = try await p.storage.head()

        let again = try await p.crossCheck(
            table, source: .vehicles, file: "车辆.csv", thresholds: CrossCheckThresholds(), as: .operator("admin:test"),
            now: C.morning + 60_000)
        #expect(again.raised.isEmpty && again.alreadyRaised == first.raised.count && first.raised.count == 1)
        // The same rows in UTF-8 with a byte-order mark, reversed, under another name.
        var reversed = table
        reversed.rows.reverse()
        let (utf8, used) = try vehicles(Data([0xEF, 0xBB, 0xBF]) + Data(reversed.text.utf8))
        #expect(used == .utf8 && utf8.header == table.header)
        let third = try await p.crossCheck(
            utf8, source: .vehicles, file: "vehicles-utf8.csv", thresholds: CrossCheckThresholds(), as: .operator("admin:test"),
            now: C.morning + 120_000)
        #expect(third.raised.isEmpty && third.alreadyRaised == 1)
        #expect(try await p.flags(in: nil) == flags)
        #expect(try await p.storage.head().position == head.position, "nothing new in the commit log")
    }

    @Test(
        "the rolls flag one resident ID in two households, the same ID twice in a household, and two heads; a clean household is not flagged",
        arguments: StorageBackendKind.allCases)
    func rolls(backend: StorageBackendKind) async throws {
        var county = CrossCheckCounty()
        let zhang = try county.household([("张三", C.zhangSan, .head), ("王芳", C.wangFang, .spouse)])
        let clean = try county.household([("李四", C.liSi, .head)])
        // 王芳 is also listed in her parents' household.
        let parents = try county.household([("王大", "11010519550505007", .head), ("王芳", C.wangFang, .child)])
        let twoHeads = try county.household([("赵一", "11010519600606009", .head), ("钱二", "11010519610707000", .head)])
        // What a device accepts today: one person entered twice, both times as head.
        let twice = try county.household([("孙三", "11010519700808001", .head), ("孙三", "11010519700808001", .head)])
        let (p, folder) = try await county.open(backend)
        defer { try? FileManager.default.removeItem(at: folder) }

        let report = try await p.crossCheckRolls(as: .operator("admin:test"), now: C.morning)
        let found = Set(report.raised.map { "\($0.household) \($0.rule.rawValue)" })
        #expect(
            found == [
                "\(zhang) resident-id-in-two-households", "\(parents) resident-id-in-two-households", "\(twoHeads) two-heads",
                "\(twice) resident-id-twice-in-household", "\(twice) two-heads",
            ])
        #expect(!report.raised.contains { $0.household == clean })
        let shared = try #require(report.raised.first { $0.household == zhang })
        #expect(Set(shared.evidence.compactMap { $0.cells["household"] }) == [zhang.description, parents.description])
        #expect(shared.evidence.allSatisfy { $0.cells["resident_id"] == (try? C.rid(C.wangFang).rawValue) })
        let queue = try await p.reviewQueue(in: nil, today: try CalendarDate("2026-11-25"))
        #expect(
            queue.first { $0.enrolment.householdID == twice }?.flags.map(\.rule).sorted { $0.rawValue < $1.rawValue } == [
                .residentIDTwiceInHousehold, .twoHeads,
            ])

        let again = try await p.crossCheckRolls(as: .operator("admin:test"), now: C.morning + 60_000)
        #expect(again.raised.isEmpty && again.alreadyRaised == 5)
    }

    // MARK: Rules, worked by hand (SQLite)

    func run(
        _ source: CrossCheckSource, _ csv: String, _ county: CrossCheckCounty, thresholds: CrossCheckThresholds = CrossCheckThresholds()
    )
        async throws -> CrossCheckReport
    {
        let (p, folder) = try await county.open(.sqlite)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await p.crossCheck(
            try CSVTable(parsing: csv), source: source, file: "\(source).csv", thresholds: thresholds, as: .operator("admin:test"),
            now: C.morning)
    }

    @Test("deposits: 35,000 yuan for two members is 17,500 each, above 24 months of 725 (17,400) but not a fixed 20,000")
    func deposits() async throws {
        let (county, zhang, _) = try makeCounty()
        let csv = """
            身份证号码,开户行,余额(元)
            \(try C.rid(C.zhangSan).rawValue),农业银行,"20,000.00"
            \(try C.rid(C.wangFang).rawValue),邮政储蓄银行,15000
            \(try C.rid(C.liSi).rawValue),农业银行,17000
            """
        let report = try await run(.deposits, csv, county)
        #expect(report.raised.map(\.household) == [zhang] && report.raised.first?.rule == .depositsPerCapita)
        #expect(report.raised.first?.evidence.map(\.line) == [2, 3])
        #expect(report.raised.first?.detail.contains("17500.00") == true)
        var fixed = CrossCheckThresholds()
        fixed.depositsPerCapitaFixed = .yuan(20_000)
        #expect(try await run(.deposits, csv, county, thresholds: fixed).raised.isEmpty)
    }

    @Test("property beyond the home, taxable income above what was declared, an active business; their clean cases flag nothing")
    func otherSources() async throws {
        let (county, zhang, li) = try makeCounty()
        let z = try C.rid(C.zhangSan).rawValue
        let w = try C.rid(C.wangFang).rawValue
        let l = try C.rid(C.liSi).rawValue
        // 张三 and 王芳 own two homes; 李四's one home is listed once.
        let property = try await run(
            .property, "resident_id,certificate,address\n\(z),冀2020001,村东\n\(w),冀2020002,县城\n\(l),冀2020003,村西\n", county)
        #expect(property.raised.map(\.household) == [zhang] && property.raised.first?.rule == .propertyCount)
        // 60,000 a year is 5,000 a month against 1,200 declared; 李四's 12,000 is 1,000 a month.
        let tax = try await run(.tax, "纳税年度,身份证号码,年收入额(元)\n2025,\(z),60000\n2025,\(l),12000\n", county)
        #expect(tax.raised.map(\.household) == [zhang] && tax.raised.first?.detail.contains("5000.00 yuan a month") == true)
        // 存续 is active; 注销 (deregistered) is not.
        let business = try await run(.business, "统一社会信用代码,企业名称,登记状态,身份证号码\nX1,张三商店,存续,\(z)\nX2,李四饭馆,注销,\(l)\n", county)
        #expect(business.raised.map(\.household) == [zhang] && business.raised.first?.rule == .activeBusiness)
        #expect(!(property.raised + tax.raised + business.raised).contains { $0.household == li })
    }

    @Test("a file that cannot be read is refused with its code; bad amounts are bad rows with their lines")
    func unreadable() async throws {
        // Neither UTF-8 nor GB18030: UTF-16 with its byte-order mark.
        #expect(throws: CSVFileError.self) { try TextEncoding.auto.decode(Data([0xFF, 0xFE, 0x41, 0x00]), name: "x") }
        do {
            _ = try TextEncoding.utf8.decode(Data(GBKVehicles.hex("d5c5c8fd")), name: "x")
            Issue.record("GBK bytes read as UTF-8")
        } catch { #expect(error.code == .unsupportedEncoding) }
        let (text, used) = try TextEncoding.auto.decode(Data(GBKVehicles.hex("d5c5c8fd")), name: "x")
        #expect(text == "张三" && used == .gb18030)
        let (county, _, _) = try makeCounty()
        do {
            _ = try await run(.vehicles, "resident_id,plate\n\(try C.rid(C.zhangSan).rawValue),辽K1\n", county)
            Issue.record("a vehicles file without values was read")
        } catch let error as CSVFileError { #expect(error.code == .missingColumns && error.message.contains("value_yuan")) }
        let report = try await run(.vehicles, "resident_id,plate,value_yuan\n\(try C.rid(C.zhangSan).rawValue),辽K1,很多\n", county)
        #expect(report.badRows.map(\.line) == [2] && report.badRows.first?.column == "value_yuan" && report.raised.isEmpty)
    }

    @Test("thresholds come from FIELDROLL_CROSSCHECK_* settings; a bad value is invalid-configuration")
    func settings() throws {
        let t = try CrossCheckThresholds(settings: {
            ["FIELDROLL_CROSSCHECK_VEHICLE_VALUE_YUAN": "80000", "FIELDROLL_CROSSCHECK_DEPOSIT_MONTHS": "12"][$0]
        })
        #expect(t.vehicleValue == .yuan(80_000) && t.depositsPerCapita == .yuan(725 * 12))
        #expect(CrossCheckThresholds().depositsPerCapita == .yuan(17_400))
        do {
            _ = try CrossCheckThresholds(settings: { $0 == "FIELDROLL_CROSSCHECK_PROPERTIES_ALLOWED" ? "one" : nil })
            Issue.record("a bad setting was accepted")
        } catch { #expect(error.code == .invalidConfiguration) }
    }
}

@Suite("fieldroll-server crosscheck on the command line")
struct CrossCheckCLITests {
    typealias C = CrossCheckCounty
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-crosscheck-cli-\(UUID().uuidString)")

    func write(_ name: String, _ data: Data) throws -> String {
        let url = folder.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    @Test("import a GBK file with --json: the flag, the bad line, exit 0; again: nothing new; unreadable files exit 1 with their code")
    func importJSON() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var county = CrossCheckCounty()
        let zhang = try county.household([("张三", C.zhangSan, .head), ("王芳", C.wangFang, .spouse)])
        try county.household([("李四", C.liSi, .head)])
        let (h, m, e) = county.tables
        let data = folder.appendingPathComponent("server").path
        #expect(try CLI.run(["init", "--data", data]).0 == 0)
        let imported = try CLI.run([
            "import", "--data", data, "--households", try write("h.csv", Data(h.text.utf8)), "--members",
            try write("m.csv", Data(m.text.utf8)), "--enrolments", try write("e.csv", Data(e.text.utf8)),
        ])
        try #require(imported.0 == 0, "\(imported.2)")
        let file = try write("车辆.csv", try GBKVehicles.file())

        let (status, out, err) = try CLI.run(["crosscheck", "import", "--data", data, "--source", "vehicles", file, "--json"])
        #expect(status == 0, "\(err)")
        let report = try JSONDecoder().decode(CrossCheckReport.self, from: Data(out.utf8))
        #expect(report.encoding == .gb18030 && report.rows == 4 && report.badRows.map(\.line) == [4])
        #expect(report.raised.map(\.household) == [zhang] && report.raised.first?.rule == .vehicleValue)

        let (status2, out2, _) = try CLI.run(["crosscheck", "import", "--data", data, "--source", "vehicles", file, "--json"])
        let again = try JSONDecoder().decode(CrossCheckReport.self, from: Data(out2.utf8))
        #expect(status2 == 0 && again.raised.isEmpty && again.alreadyRaised == 1)

        // The review queue shows the flag beside 张三's application.
        let (s3, out3, _) = try CLI.run(["review", "list", "--data", data, "--json"])
        let queue = try JSONDecoder().decode([ReviewQueueEntry].self, from: Data(out3.utf8))
        #expect(s3 == 0 && queue.first { $0.enrolment.householdID == zhang }?.flags.map(\.rule) == [.vehicleValue])
        let (_, text, _) = try CLI.run(["review", "list", "--data", data])
        #expect(text.contains("FLAGS 1") && text.contains("vehicle-value"))

        // Unreadable: missing, lacking a column, neither UTF-8 nor GB18030; a source that is no source.
        let cases: [([String], String)] = [
            ([folder.appendingPathComponent("none.csv").path], "Error: not-found: "),
            ([try write("short.csv", Data("resident_id,plate\n".utf8))], "Error: missing-columns: "),
            ([try write("utf16.csv", Data([0xFF, 0xFE, 0x41, 0x00]))], "Error: unsupported-encoding: "),
        ]
        for (args, prefix) in cases {
            let (s, o, e) = try CLI.run(["crosscheck", "import", "--data", data, "--source", "vehicles"] + args)
            #expect(s == 1 && o.isEmpty && e.hasPrefix(prefix), "\(e)")
        }
        #expect(try CLI.run(["crosscheck", "import", "--data", data, "--source", "rolls", file]).0 == 2)
        let config = try write("bad.conf", Data("FIELDROLL_CROSSCHECK_VEHICLE_VALUE_YUAN=lots\n".utf8))
        let (s4, _, e4) = try CLI.run(["crosscheck", "import", "--data", data, "--config", config, "--source", "vehicles", file])
        #expect(s4 == 1 && e4.hasPrefix("Error: invalid-configuration: "), "\(e4)")
        let (_, list, _) = try CLI.run(["crosscheck", "list", "--data", data, "--json"])
        #expect(try JSONDecoder().decode([CrossCheckFlag].self, from: Data(list.utf8)).count == 1, "the refused runs raised nothing")
    }
}
