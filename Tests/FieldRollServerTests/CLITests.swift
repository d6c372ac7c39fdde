import FieldRollCore
import FieldRollServer
import Foundation
import Testing

/// Runs the built `fieldroll-server` binary as an office clerk would.
struct CLI {
    static let binary: URL? = {
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0])
        let root = fixturesDirectory.deletingLastPathComponent()
        let candidates = [
            argv0.deletingLastPathComponent(), argv0.deletingLastPathComponent().deletingLastPathComponent(),
            root.appendingPathComponent(".build/debug"),
        ]
        return candidates.map { $0.appendingPathComponent("fieldroll-server") }.first {
            FileManager.default.isExecutableFile(atPath: $0.path)
        }
    }()

    /// Runs with `args`; returns exit status, stdout and stderr.
    /// - Parameter input: what standard input holds (nothing when nil).
    /// - Parameters:
    ///   - folder: the working folder (default: this process's).
    ///   - environment: the whole environment (default: this process's).
    static func run(
        _ args: [String], binary: URL? = CLI.binary, input: String? = nil, folder: URL? = nil, environment: [String: String]? = nil
    ) throws -> (Int32, String, String) {
        guard let binary else { throw CocoaError(.fileNoSuchFile) }
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        if let folder { p.currentDirectoryURL = folder }
        if let environment { p.environment = environment }
        let out = Pipe()
        let err = Pipe()
        let inPipe = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inPipe
        try p.run()
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try inPipe.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}

@Suite("fieldroll-server on the command line")
struct CLITests {
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-cli-\(UUID().uuidString)").path

    @Test("--version on every tool prints the release and the protocol; the benchmarks parse their options")
    func versions() throws {
        let folder = try #require(CLI.binary).deletingLastPathComponent()
        for tool in ["fieldroll", "fieldroll-server", "fieldroll-bench", "fieldroll-device-bench"] {
            let (status, out, _) = try CLI.run(["--version"], binary: folder.appendingPathComponent(tool))
            #expect(status == 0 && out == FieldRollRelease.versionLine + "\n", "\(tool): \(out)")
        }
        // --help describes and exits; it never starts a run.
        let (status, out, _) = try CLI.run(["--help"], binary: folder.appendingPathComponent("fieldroll-bench"))
        #expect(status == 0 && out.contains("USAGE: fieldroll-bench") && !out.contains("records/s"))
        // A missing or wrong value is a usage error (exit 2, as in the main tools) with one message, not a crash.
        let (bad, _, err) = try CLI.run(["--households"], binary: folder.appendingPathComponent("fieldroll-device-bench"))
        #expect(bad == 2 && err.hasPrefix("Error: Missing value for '--households"), "\(err)")
        let (few, _, fewErr) = try CLI.run(["--households", "3"], binary: folder.appendingPathComponent("fieldroll-device-bench"))
        #expect(few == 2 && fewErr.contains("at least 50"), "\(fewErr)")
        let (zero, _, zeroErr) = try CLI.run(["--records", "0"], binary: folder.appendingPathComponent("fieldroll-bench"))
        #expect(zero == 2 && zeroErr.contains("at least 1"), "\(zeroErr)")
        let (_, benchHelp, _) = try CLI.run(["--help"], binary: folder.appendingPathComponent("fieldroll-device-bench"))
        #expect(benchHelp.contains("--json"))
    }

    @Test("fieldroll-device-bench --json prints one object with a member per figure")
    func deviceBenchJSON() throws {
        let bench = try #require(CLI.binary).deletingLastPathComponent().appendingPathComponent("fieldroll-device-bench")
        let (status, out, err) = try CLI.run(["--households", "50", "--json"], binary: bench)
        #expect(status == 0, "\(err)")
        #expect(out.split(separator: "\n").count == 1, "one line: \(out)")
        let object = try JSONValue(parsing: Data(out.utf8)).objectValue ?? [:]
        for name in ["store.open", "households.add", "visit.p50", "visit.p99", "list.p50", "list.p99", "memory.peak"] {
            #expect(object[name]?.objectValue?["unit"]?.stringValue != nil, "\(name) in \(out)")
        }
        #expect(object["run"]?.objectValue?["listed"] == .int(50))
    }

    @Test("enrol, list, revoke; a bad scope exits 1 with one line, a role outside the list 2; nothing changes")
    func devices() throws {
        defer { try? FileManager.default.removeItem(atPath: data) }
        let (s0, _, err0) = try CLI.run(["device", "list", "--data", data])
        #expect(s0 == 1 && err0.hasPrefix("Error: no-server: "), "a missing server is refused, not created")
        #expect(!FileManager.default.fileExists(atPath: data))
        #expect(try CLI.run(["init", "--data", data]).0 == 0)
        let (s1, out1, _) = try CLI.run([
            "device", "enroll", "--data", data, "--name", "李敏的平板", "--role", "caseworker", "--scope", "139901002201", "--json",
        ])
        #expect(s1 == 0)
        let enrolled = try JSONDecoder().decode([String: String].self, from: Data(out1.utf8))
        #expect(enrolled["code"]?.count == 14)
        let (s, out, err) = try CLI.run(["device", "enroll", "--data", data, "--name", "x", "--role", "kiosk", "--scope", "1399"])
        #expect(s == 1 && out.isEmpty)
        #expect(err.split(separator: "\n").count == 1 && err.hasPrefix("Error: invalid-record: "), "\(err)")
        // A role outside the list is a wrong command line: exit 2, naming the values, before anything runs.
        let (usage, usageOut, usageErr) = try CLI.run([
            "device", "enroll", "--data", data, "--name", "x", "--role", "wizard", "--scope", "139901002201",
        ])
        #expect(usage == 2 && usageOut.isEmpty)
        #expect(usageErr.hasPrefix("Error: ") && usageErr.contains("wizard") && usageErr.contains("caseworker"), "\(usageErr)")
        let help = try CLI.run(["device", "enroll", "--help"]).1.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("(values: caseworker, kiosk, reviewer, approver, admin)"), "\(help)")
        let (_, list, _) = try CLI.run(["device", "list", "--data", data, "--json"])
        let devices = try JSONDecoder().decode([DeviceRecordView].self, from: Data(list.utf8))
        #expect(devices.count == 1 && devices[0].status == "pending")
        let deviceID = try #require(enrolled["device"])
        let (s2, out2, _) = try CLI.run(["device", "revoke", "--data", data, deviceID, "--json"])
        let revoked = try JSONValue(parsing: Data(out2.utf8)).objectValue?["status"]
        #expect(s2 == 0 && revoked == .string("revoked"))
        let (s3, _, err3) = try CLI.run(["device", "revoke", "--data", data, deviceID])
        #expect(s3 == 1 && err3.hasPrefix("Error: not-found: "))
        let (s4, audit, _) = try CLI.run(["audit", "verify", "--data", data])
        #expect(s4 == 0 && audit.contains("intact: 3 entries"))
    }

    @Test("review: list what waits, approve at the awaited step, a refusal by the chain exits 1 with its code")
    func review() async throws {
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(try CLI.run(["init", "--data", data]).0 == 0)
        let county = fixturesDirectory.appendingPathComponent("county")
        #expect(
            try CLI.run([
                "import", "--data", data, "--households", county.appendingPathComponent("households.csv").path, "--members",
                county.appendingPathComponent("members.csv").path, "--enrolments", county.appendingPathComponent("enrolments.csv").path,
                "--history",
            ]).0 == 0)
        let (s0, listed, _) = try CLI.run(["review", "list", "--data", data, "--json"])
        let queue = try #require(try JSONValue(parsing: Data(listed.utf8)).arrayValue)
        #expect(s0 == 0 && queue.count == 20, "6 applied, 6 surveyed, 6 township-reviewed, 2 on notice in the fixture county")
        let waiting = try #require(queue.first { $0.objectValue?["step"]?.stringValue == "county-approval" })
        let id = try #require(waiting.objectValue?["enrolment"]?.objectValue?["id"]?.stringValue)
        let (wrong, _, err) = try CLI.run(["review", "approve", id, "--step", "public-notice", "--by", "张科长", "--data", data])
        #expect(wrong == 1 && err.hasPrefix("Error: illegal-transition: "), "\(err)")
        // The approval computes the amount: without a survey visit of the household it is refused.
        let (noSurvey, _, err2) = try CLI.run(["review", "approve", id, "--step", "county-approval", "--by", "张科长", "--data", data])
        #expect(noSurvey == 1 && err2.hasPrefix("Error: no-standard: "), "\(err2)")
        for programme in Programme.wireNames {
            let (added, _, addErr) = try CLI.run([
                "standard", "add", "--data", data, "--region", "139901000000", "--programme", programme, "--per-capita", "900.00",
                "--confirm",
                "--from", "2020-01-01",
            ])
            #expect(added == 0, "\(addErr)")
        }
        let (noVisit, _, err3) = try CLI.run(["review", "approve", id, "--step", "county-approval", "--by", "张科长", "--data", data])
        #expect(noVisit == 1 && err3.hasPrefix("Error: no-survey: "), "\(err3)")
        let household = try #require(try HouseholdID(#require(waiting.objectValue?["enrolment"]?.objectValue?["householdID"]?.stringValue)))
        let region = try RegionCode(#require(waiting.objectValue?["enrolment"]?.objectValue?["region"]?.stringValue))
        let (pipeline, _) = try await ServerOpener.open(ServerConfiguration(dataDirectory: data))
        let roll = try await RollFixture.make(pipeline, scope: region)
        try await roll.visit(
            household, in: region, answers: ["income.wages": .int(10_000)], now: Int64(Date().timeIntervalSince1970 * 1000))
        await pipeline.storage.close()
        let (ok, out, _) = try CLI.run(["review", "approve", id, "--step", "county-approval", "--by", "张科长", "--data", data, "--json"])
        #expect(ok == 0 && out.contains("\"decision\":\"approve\""))
        let (_, after, _) = try CLI.run(["review", "list", "--data", data, "--json"])
        let moved = try #require(
            try JSONValue(parsing: Data(after.utf8)).arrayValue?.first {
                $0.objectValue?["enrolment"]?.objectValue?["id"]?.stringValue == id
            })
        #expect(moved.objectValue?["step"]?.stringValue == "public-notice" && moved.objectValue?["noticeEnds"] != nil)
        // One entry in full: where it waits, its members (IDs in full on the server), the visit just pushed.
        let (shown, one, showErr) = try CLI.run(["review", "show", id, "--data", data, "--json"])
        #expect(shown == 0, "\(showErr)")
        let entry = try #require(try JSONValue(parsing: Data(one.utf8)).objectValue)
        #expect(entry["step"]?.stringValue == "public-notice" && entry["enrolment"]?.stringValue == id)
        #expect(entry["latestVisit"]?.objectValue?["author"]?.stringValue == "李敏")
        #expect(entry["members"]?.arrayValue?.first?.objectValue?["residentID"]?.stringValue?.contains("*") == false)
        let (text, printed, _) = try CLI.run(["review", "show", id, "--data", data])
        #expect(text == 0 && printed.contains("waits for public-notice") && printed.contains("latest visit"))
        let (absent, _, absentErr) = try CLI.run(["review", "show", EnrolmentID().description, "--data", data])
        #expect(absent == 1 && absentErr.hasPrefix("Error: not-found: "), "\(absentErr)")

        // The standards, the amount's history and the public notice.
        let (sl, standards, _) = try CLI.run(["standard", "list", "--data", data, "--json"])
        let standardCount = try JSONValue(parsing: Data(standards.utf8)).arrayValue?.count
        #expect(sl == 0 && standardCount == 4)
        let (sa, amounts, _) = try CLI.run(["amounts", "--household", household.description, "--data", data, "--json"])
        let history = try #require(try JSONValue(parsing: Data(amounts.utf8)).arrayValue)
        #expect(sa == 0 && history.count == 1 && history.first?.objectValue?["cause"]?.stringValue == "approval")
        let (sr, recomputed, _) = try CLI.run(["amounts", "recompute", "--region", region.digits, "--data", data, "--json"])
        let recomputedChanges = try JSONValue(parsing: Data(recomputed.utf8)).objectValue?["changes"]?.arrayValue
        #expect(sr == 0 && recomputedChanges?.isEmpty == true, "the approval already used the latest survey")
        let csvFile = data + "-notice.csv"
        defer { try? FileManager.default.removeItem(atPath: csvFile) }
        let (sn, said, noticeErr) = try CLI.run([
            "notice", "--data", data, "--region", region.digits, "--format", "csv", "--out", csvFile, "--place", "上河村",
        ])
        #expect(sn == 0 && said.contains("上河村"), "\(noticeErr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: csvFile))
        #expect(bytes.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        let table = try CSVTable(parsing: String(decoding: bytes, as: UTF8.self))
        #expect(table.header.first == "序号" && !table.rows.isEmpty)
        let (sh, html, _) = try CLI.run(["notice", "--data", data, "--region", region.digits, "--contact", "<热线>"])
        #expect(sh == 0 && html.contains("@page { size: A4") && html.contains("&lt;热线&gt;"))
        let (bad, _, badErr) = try CLI.run(["notice", "--data", data, "--region", "139901000000"])
        #expect(bad == 1 && badErr.hasPrefix("Error: invalid-record: "), "a notice is for a village or township")
        // A lower standard is shown, not added, until a person confirms it.
        let programme = try #require(waiting.objectValue?["enrolment"]?.objectValue?["programme"]?.stringValue)
        let lower = [
            "standard", "add", "--data", data, "--region", "139901000000", "--programme", programme, "--per-capita", "850", "--from",
            "2030-01-01",
        ]
        let (held, shownList, heldErr) = try CLI.run(lower)
        #expect(held == 1 && heldErr.hasPrefix("Error: needs-confirmation: the standard was not added: "), "\(heldErr)")
        #expect(heldErr.contains("below the standard before it") && heldErr.split(separator: "\n").count == 1, "\(heldErr)")
        #expect(shownList.contains("household \(household)") && shownList.contains("from 2030-01-01"), "\(shownList)")
        let (_, unchanged, _) = try CLI.run(["standard", "list", "--data", data, "--json"])
        #expect(try JSONValue(parsing: Data(unchanged.utf8)).arrayValue?.count == 4, "nothing was added")
        let (previewed, _, _) = try CLI.run(lower + ["--preview"])
        #expect(previewed == 0)
        let (confirmed, said2, confirmErr) = try CLI.run(lower + ["--confirm"])
        #expect(confirmed == 0 && said2.contains("from 2030-01-01"), "\(confirmErr)")
        #expect(try CLI.run(["audit", "verify", "--data", data]).0 == 0)
    }

    @Test("the benefit rule's settings are checked: a wrong rounding or minimum exits 1 with invalid-configuration")
    func benefitSettings() throws {
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(try CLI.run(["init", "--data", data]).0 == 0)
        let config = data + "-fieldroll.conf"
        defer { try? FileManager.default.removeItem(atPath: config) }
        for (text, ok) in [
            ("FIELDROLL_BENEFIT_ROUNDING=yuan-up\nFIELDROLL_BENEFIT_MINIMUM=10.50\nFIELDROLL_NOTICE_CONTACT=\"0000-1234567\"\n", true),
            ("FIELDROLL_BENEFIT_ROUNDING=yuan-sideways\n", false), ("FIELDROLL_BENEFIT_MINIMUM=-1\n", false),
            ("FIELDROLL_BENEFIT_MINIMUM=ten\n", false),
        ] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
            let (status, _, err) = try CLI.run(["standard", "list", "--data", data, "--config", config])
            #expect((status == 0) == ok, "\(text): \(err)")
            if !ok { #expect(err.hasPrefix("Error: invalid-configuration: FIELDROLL_BENEFIT_"), "\(err)") }
        }
    }

    @Test("serve refuses a storage timeout that is not 1–600 seconds, from the flag or the setting, with invalid-configuration")
    func storageTimeoutSetting() throws {
        let config = data + "-timeout.conf"
        defer { try? FileManager.default.removeItem(atPath: config) }
        for (arguments, text) in [
            (["--storage-timeout", "0"], ""), ([], "FIELDROLL_STORAGE_TIMEOUT=601\n"), ([], "FIELDROLL_STORAGE_TIMEOUT=soon\n"),
        ] {
            try Data(text.utf8).write(to: URL(fileURLWithPath: config))
            let (status, _, err) = try CLI.run(["serve", "--data", data, "--config", config, "--port", "0"] + arguments)
            #expect(status == 1 && err.hasPrefix("Error: invalid-configuration: "), "\(arguments) \(text): \(err)")
            #expect(err.contains("storage timeout") || err.contains("FIELDROLL_STORAGE_TIMEOUT"), "\(err)")
        }
    }

    @Test("standard add takes the standard in yuan: 430 is 430.00 yuan a person; an amount it cannot read is refused naming --per-capita")
    func standardInYuan() throws {
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(try CLI.run(["init", "--data", data]).0 == 0)
        let common = ["standard", "add", "--data", data, "--region", "139901000000", "--programme", "rural-dibao"]
        for (typed, fen) in [("430", 43_000), ("430.5", 43_050), ("430.05", 43_005)] {
            let (status, out, err) = try CLI.run(common + ["--per-capita", typed, "--from", "2027-01-01", "--confirm", "--json"])
            #expect(status == 0, "\(err)")
            let standard = try JSONValue(parsing: Data(out.utf8)).objectValue?["standard"]?.objectValue
            #expect(standard?["monthlyPerCapita"] == .int(Int64(fen)), "\(typed): \(out)")
        }
        let (_, listed, _) = try CLI.run(["standard", "list", "--data", data])
        #expect(listed.contains("430.00 yuan/person") && listed.contains("430.50 yuan/person") && listed.contains("430.05 yuan/person"))
        for typed in ["4,30", "430.001", "43000fen", ""] {
            let (status, _, err) = try CLI.run(common + ["--per-capita", typed, "--from", "2027-01-01"])
            #expect(status == 1 && err.hasPrefix("Error: invalid-record: --per-capita: "), "\(typed): \(err)")
        }
        let (old, _, oldErr) = try CLI.run(common + ["--per-capita", "430", "--per-capita-fen", "43000", "--from", "2027-01-01"])
        #expect(old == 2 && oldErr.contains("--per-capita-fen"), "the fen option is gone: \(oldErr)")
        let (_, after, _) = try CLI.run(["standard", "list", "--data", data, "--json"])
        #expect(try JSONValue(parsing: Data(after.utf8)).arrayValue?.count == 3, "nothing refused was stored")
    }

    @Test("exports open in Excel: BOM, CRLF, Chinese headers (English on request), resident IDs as text cells; import reads both back")
    func spreadsheetExport() throws {
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(try CLI.run(["init", "--data", data]).0 == 0)
        let county = fixturesDirectory.appendingPathComponent("county")
        let files = ["households", "members", "enrolments"].map { county.appendingPathComponent("\($0).csv").path }
        #expect(
            try CLI.run(["import", "--data", data, "--households", files[0], "--members", files[1], "--enrolments", files[2], "--history"])
                .0 == 0)
        let original = try CSVTable(contentsOfFile: files[1])
        let rid = try #require(original.records.first?["resident_id"])
        let zh = data + "-members-zh.csv"
        let en = data + "-members-en.csv"
        let roll = data + "-roll.csv"
        defer { for f in [zh, en, roll] { try? FileManager.default.removeItem(atPath: f) } }
        #expect(try CLI.run(["export", "--data", data, "members", "--out", zh]).0 == 0)
        #expect(try CLI.run(["export", "--data", data, "members", "--headers", "en", "--out", en]).0 == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: zh))
        #expect(bytes.prefix(3) == Data([0xEF, 0xBB, 0xBF]), "a byte-order mark for Excel")
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.count == original.rows.count + 2 && lines.last == "", "every row ends in CRLF")
        #expect(lines[0].contains("身份证号") && lines[0].contains("姓名") && !lines[0].contains("resident_id"))
        // 18 digits as a text cell: Excel shows the ID, not 1.10105E+17.
        #expect(text.contains("\"=\"\"\(rid)\"\"\""), "resident IDs as text cells")
        let english = String(decoding: try Data(contentsOf: URL(fileURLWithPath: en)), as: UTF8.self)
        #expect(english.hasPrefix("\u{FEFF}id,household_id,region,region_name,name,resident_id,"), "the place name beside the code")
        // Either file imports back as it was: nothing new or changed.
        for file in [zh, en] {
            let (status, out, err) = try CLI.run(["import", "--data", data, "--members", file, "--json"])
            let members = try JSONValue(parsing: Data(out.utf8)).objectValue?["members"]?.objectValue
            #expect(
                status == 0 && members?["rows"] == .int(Int64(original.rows.count)) && members?["changed"] == .int(0), "\(file): \(err)")
        }
        // The roll carries the status dates.
        #expect(try CLI.run(["export", "--data", data, "enrolments", "--headers", "en", "--out", roll]).0 == 0)
        let rollTable = try CSVTable(contentsOfFile: roll)
        #expect(rollTable.header.suffix(2) == ["status_since", "end_date"])

        // The month's payment list pays an imported enrolment its imported amount: 1,120.00 a
        // month since 2022-11-01, the whole of December 2026.
        let (paid, list, payErr) = try CLI.run(["payments", "--data", data, "--month", "2026-12", "--region", "139901003201", "--json"])
        #expect(paid == 0, "\(payErr)")
        let payments = try #require(try JSONValue(parsing: Data(list.utf8)).objectValue?["payments"]?.arrayValue)
        let imported = try #require(
            payments.first { $0.objectValue?["enrolmentID"]?.stringValue == "d5a670c7-510b-447e-9e5f-1e4b66526bb3" }?.objectValue)
        #expect(imported["amount"] == .int(112_000), "\(imported)")
        // The same list as a file for Excel, with the total.
        let payFile = data + "-2026-12.csv"
        defer { try? FileManager.default.removeItem(atPath: payFile) }
        let (wrote, wroteOut, _) = try CLI.run([
            "payments", "--data", data, "--month", "2026-12", "--region", "139901003201", "--out", payFile,
        ])
        #expect(wrote == 0 && wroteOut.contains("to \(payFile)"), "\(wroteOut)")
        let payBytes = try Data(contentsOf: URL(fileURLWithPath: payFile))
        #expect(payBytes.prefix(3) == Data([0xEF, 0xBB, 0xBF]))
        let payTable = try CSVTable(parsing: String(decoding: payBytes, as: UTF8.self))
        #expect(payTable.header.contains("应发金额(元)") && payTable.rows.last?[3] == "合计")
        let row = try #require(payTable.rows.first { $0.last == "d5a670c7-510b-447e-9e5f-1e4b66526bb3" })
        // No place names imported: the name beside the code is empty.
        #expect(row[1] == "=\"139901003201\"" && row[2] == "" && row[6] == "1120.00" && row[4] == "农村最低生活保障", "\(row)")
        let sum = payTable.rows.dropLast().compactMap { try? Fen(yuan: $0[6]) }.reduce(Fen.zero, +)
        #expect(payTable.rows.last?[6] == sum.description, "the total is the sum of the rows")
        let (badMonth, _, monthErr) = try CLI.run(["payments", "--data", data, "--month", "2026-13"])
        #expect(badMonth == 1 && monthErr.hasPrefix("Error: invalid-record: --month: "), "\(monthErr)")
    }

    @Test("import refuses a bad file with the bad rows named; a good one imports once")
    func importing() throws {
        defer { try? FileManager.default.removeItem(atPath: data) }
        let bad = data + "-bad.csv"
        try Data(
            "id,region,address,head_name,phone,housing,housing_area_m2,declared_monthly_income_yuan,assets\n,139901002201,x,王,123,castle,,abc,\n"
                .utf8
        ).write(to: URL(fileURLWithPath: bad))
        defer { try? FileManager.default.removeItem(atPath: bad) }
        #expect(try CLI.run(["init", "--data", data]).0 == 0)
        let (s1, _, err) = try CLI.run(["import", "--data", data, "--households", bad])
        #expect(
            s1 == 1 && err.contains("households row 2: phone") && err.contains("housing") && err.contains("declared_monthly_income_yuan"))
        let households = fixturesDirectory.appendingPathComponent("county/households.csv").path
        let (s2, out2, _) = try CLI.run(["import", "--data", data, "--households", households])
        #expect(s2 == 0 && out2.contains("200 new or changed"))
        let (_, out3, _) = try CLI.run(["import", "--data", data, "--households", households, "--json"])
        let again = try JSONValue(parsing: Data(out3.utf8)).objectValue?["households"]?.objectValue
        #expect(again?["rows"] == .int(200) && again?["changed"] == .int(0), "\(out3)")
        let (s5, out5, _) = try CLI.run(["migrate", "--data", data, "--json"])
        let migrated = try JSONValue(parsing: Data(out5.utf8)).objectValue?["upToDate"]
        #expect(s5 == 0 && migrated == .bool(true))
        let (s6, out6, err6) = try CLI.run([
            "conflicts", "resolve", "--data", data, "no-such-conflict", "--choose", "kept", "--by", "张科长", "--json",
        ])
        #expect(s6 == 1 && out6.isEmpty && err6.hasPrefix("Error: not-found: "), "\(err6)")
        // Values outside a list are usage errors (exit 2), and --help lists the values.
        let (s7, _, err7) = try CLI.run(["conflicts", "resolve", "--data", data, "x", "--choose", "maybe", "--by", "张科长"])
        #expect(s7 == 2 && err7.contains("maybe") && err7.contains("kept"), "\(err7)")
        let (s8, _, err8) = try CLI.run(["export", "--data", data, "castles"])
        #expect(s8 == 2 && err8.contains("castles") && err8.contains("enrolments"), "\(err8)")
        let help = try CLI.run(["export", "--help"]).1.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("(values: households, members, enrolments)"), "\(help)")
        let csv = data + "-households.csv"
        defer { try? FileManager.default.removeItem(atPath: csv) }
        let (s9, out9, _) = try CLI.run(["export", "--data", data, "households", "--out", csv, "--json"])
        let written = try JSONValue(parsing: Data(out9.utf8)).objectValue
        #expect(s9 == 0 && written?["rows"] == .int(200) && written?["kind"] == .string("households"), "\(out9)")
        let (s4, _, err4) = try CLI.run(["import", "--data", data, "--households", data + "-missing.csv"])
        #expect(s4 == 1 && err4.hasPrefix("Error: not-found: "))
    }
}

/// The parts of `device list --json` the test reads.
struct DeviceRecordView: Decodable {
    var id: String
    var status: String
}

@Suite("fieldroll-server demo")
struct DemoTests {
    @Test("the demo syncs three devices, records the conflict, and every replica agrees")
    func demo() throws {
        let (status, out, err) = try CLI.run(["demo"])
        #expect(status == 0, "\(err)")
        #expect(out.contains("1 open conflict(s)") && out.contains("household.phone: kept"))
        #expect(out.contains("Every replica agrees: yes") && out.contains("The audit log verifies: yes"))
    }

    @Test("run through PATH and a symlink, from another folder, the demo still finds its fixture photo")
    func demoThroughPath() throws {
        let binary = try #require(CLI.binary)
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-demo-path-\(UUID().uuidString)")
        let (bin, elsewhere) = (temp.appendingPathComponent("bin"), temp.appendingPathComponent("work"))
        for folder in [bin, elsewhere] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        defer { try? FileManager.default.removeItem(at: temp) }
        try FileManager.default.createSymbolicLink(at: bin.appendingPathComponent("fieldroll-server"), withDestinationURL: binary)
        // `env` finds the tool on PATH, so argv[0] is the bare name, as from a shell, and names
        // no file in the working folder.
        let (status, out, err) = try CLI.run(
            ["fieldroll-server", "demo"], binary: URL(fileURLWithPath: "/usr/bin/env"), folder: elsewhere,
            environment: ["PATH": bin.path + ":/usr/bin:/bin", "HOME": elsewhere.path])
        #expect(status == 0, "\(err)")
        #expect(out.contains("recorded a signed visit with 1 photo(s)"), "\(out)")
        #expect(!err.contains("warning"), "\(err)")
    }
}
