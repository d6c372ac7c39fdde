import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// The public notice (公示): who is listed, masked how, with which amounts and dates, and the
/// two files it is printed as.
@Suite("The public notice")
struct NoticeTests {
    let village = try! RegionCode("139901002201")
    let otherVillage = try! RegionCode("139901003201")
    let county = try! RegionCode("139901000000")
    /// 2026-11-25 10:00 in Beijing.
    let morning: Int64 = 1_795_572_000_000
    let day: Int64 = 86_400_000

    @Test("spreadsheet CSV: a byte-order mark, CRLF, RFC 4180 quoting, and no cell a spreadsheet would run as a formula")
    func spreadsheetCSV() throws {
        let csv = SpreadsheetCSV(
            header: ["户主", "备注"],
            rows: [
                ["=HYPERLINK(\"http://x\")", "+1"], ["-2", "@SUM(A1)"], ["\tTAB", "\rCR"], ["张,明", "说\"好\""], ["a\nb", "1459.50"],
            ])
        let text = csv.text
        #expect(text.hasPrefix("\u{FEFF}户主,备注\r\n"))
        #expect(csv.bytes.prefix(3) == [0xEF, 0xBB, 0xBF])
        #expect(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\",'+1\r\n"))
        #expect(text.contains("\r\n-2,'@SUM(A1)\r\n"), "a plain negative number stays a number (CSVFormula)")
        #expect(text.contains("'\tTAB,\"'\rCR\"\r\n"))
        #expect(text.contains("\"张,明\",\"说\"\"好\"\"\"\r\n"))
        #expect(SpreadsheetCSV.cell("1459.50") == "1459.50" && SpreadsheetCSV.cell("张*明") == "张*明")
        // It parses back, cell for cell (with the apostrophes that defuse formulas).
        let parsed = try CSVTable(parsing: text)
        #expect(parsed.header == ["户主", "备注"])
        #expect(parsed.rows[0] == ["'=HYPERLINK(\"http://x\")", "'+1"])
        #expect(parsed.rows[3] == ["张,明", "说\"好\""])
        #expect(parsed.rows[4] == ["a\nb", "1459.50"])
    }

    @Test("HTML escapes every piece of text: the notice template renders names and places as text, never as markup")
    func escaping() throws {
        let entry = PublicNotice.Entry(
            enrolment: EnrolmentID(), head: "<script>alert('x')</script>", residentID: "", programme: .ruralDibao, householdSize: 1,
            monthlyAmount: Fen(100), noticeStart: nil, noticeEnd: nil, status: .publicNotice)
        let notice = PublicNotice(
            region: village, place: "上河村 & \"<b>\"", date: try CalendarDate("2026-11-25"), contact: "<i>0000</i>", entries: [entry])
        let html = try NoticeHTML.page(notice)
        #expect(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                || html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"))
        #expect(html.contains("上河村 &amp; &quot;&lt;b&gt;&quot;"))
        #expect(html.contains("&lt;i&gt;0000&lt;/i&gt;"))
        #expect(!html.contains("<script>") && !html.contains("<b>") && !html.contains("<i>"))
    }

    @Test(
        "a village's notice lists exactly its households on notice and newly enrolled, masked, with amounts and dates; both files read back",
        arguments: StorageBackendKind.allCases)
    func villageNotice(backend: StorageBackendKind) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-notice-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = ServerConfiguration(dataDirectory: folder.path, databaseURL: try backend.freshDatabaseURL())
        let storage = try await ServerOpener.storage(config, create: true)
        let p = try await SyncPipeline.initialize(storage, now: morning - 30 * day)
        var roll = try await RollFixture.make(p, scope: county)
        _ = try await p.addStandard(
            region: county, programme: .ruralDibao, perCapita: Fen(78_000), from: try CalendarDate("2026-01-01"), as: .operator("张科长"),
            confirmed: true,
            now: morning - 20 * day)

        // Enrolled on 2 December after a notice from 25 November: 780.00 × 2 − 0 = 1,560.00.
        let (a, aID) = try await roll.household(in: village, names: ["王建国", "李秀英"], now: morning - 10 * day)
        try await roll.visit(a, in: village, answers: [:], now: morning - 9 * day)
        // On notice from 27 November: 780.00 × 3 − 1,000.50 = 2,340.00 − 1,000.50 = 1,339.50. Its head's name
        // would be a formula in a spreadsheet.
        let (b, bID) = try await roll.household(in: village, names: ["=1+2", "钱二", "赵三"], now: morning - 10 * day)
        try await roll.visit(b, in: village, answers: ["income.wages": .int(100_050)], now: morning - 9 * day)
        // Still at the township; and one in another village: neither is listed.
        let (c, _) = try await roll.household(in: village, names: ["孙一"], now: morning - 10 * day)
        try await roll.visit(c, in: village, answers: [:], now: morning - 9 * day)
        let (d, dID) = try await roll.household(in: otherVillage, names: ["周一"], now: morning - 10 * day)
        try await roll.visit(d, in: otherVillage, answers: [:], now: morning - 9 * day)
        // Enrolled long ago (imported): not newly enrolled.
        _ = try await roll.household(in: village, names: ["吴一"], status: .enrolled, appliedOn: "2025-01-01", now: morning - 10 * day)

        try await roll.approveToNotice(aID, from: morning)
        try await roll.approveToNotice(dID, from: morning)
        try await roll.approveToNotice(bID, from: morning + 2 * day)
        try await p.review(
            enrolment: aID, step: .publicNotice, decision: .approve, reason: "", as: .operator("张科长", role: .approver),
            now: morning + 7 * day)

        let notice = try await p.publicNotice(for: village, on: try CalendarDate("2026-12-03"), place: "上河村", contact: "0000-1234567 县民政局")
        #expect(notice.title == "上河村 最低生活保障 公示")
        #expect(notice.entries.map(\.enrolment) == [bID, aID], "on notice first, then newly enrolled")
        let onNotice = notice.entries[0]
        #expect(onNotice.head == "=**2" && onNotice.residentID == "110105********002X")
        #expect(onNotice.householdSize == 3 && onNotice.monthlyAmount == Fen(133_950) && onNotice.status == .publicNotice)
        // The notice runs 7 days: from 27 November, it may close on 4 December.
        #expect(onNotice.noticeStart?.description == "2026-11-27" && onNotice.noticeEnd?.description == "2026-12-04")
        let enrolled = notice.entries[1]
        #expect(enrolled.head == "王*国" && enrolled.householdSize == 2 && enrolled.monthlyAmount == Fen(156_000))
        #expect(enrolled.noticeStart?.description == "2026-11-25" && enrolled.noticeEnd?.description == "2026-12-02")
        #expect(enrolled.status == .enrolled && enrolled.startDate?.description == "2026-12-02")

        // 30 days after its start, an enrolled household is no longer new.
        #expect(try await p.publicNotice(for: village, on: try CalendarDate("2027-01-01")).entries.map(\.enrolment) == [bID, aID])
        #expect(try await p.publicNotice(for: village, on: try CalendarDate("2027-01-02")).entries.map(\.enrolment) == [bID])
        // The township's notice lists the same two (the other village lies in another township).
        let township = try await p.publicNotice(for: village.ancestor(at: .township), on: try CalendarDate("2026-12-03"))
        #expect(Set(township.entries.map(\.enrolment)) == [aID, bID])

        let csv = notice.csv
        #expect(csv.text.hasPrefix("\u{FEFF}序号,户主,身份证号,救助类别,家庭人口,月保障金额(元),公示开始日期,公示结束日期,状态\r\n"))
        let table = try CSVTable(parsing: csv.text)
        #expect(table.rows.count == 2)
        #expect(table.rows[0] == ["1", "'=**2", "110105********002X", "农村最低生活保障", "3", "1339.50", "2026-11-27", "2026-12-04", "公示中"])
        #expect(
            table.rows[1] == ["2", "王*国", "110105********002X", "农村最低生活保障", "2", "1560.00", "2026-11-25", "2026-12-02", "新纳入(2026-12-02起)"])

        let html = try NoticeHTML.page(notice)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<html lang=\"zh-CN\">") && html.contains("@page { size: A4"))
        #expect(html.contains("<h1>上河村 最低生活保障 公示</h1>") && html.contains("0000-1234567 县民政局"))
        #expect(html.contains("<td>=**2</td>") && html.contains("<td>1339.50</td>") && !html.contains("钱二"))
        #expect(!html.contains("11010519491231002X"), "no resident ID in full")
        await p.storage.close()
    }
}
