@preconcurrency import Crypto
import FieldRollClient
import FieldRollCore
import Foundation
import GRDB
import Testing

@Suite("Nothing is lost")
struct DurabilityTests {
    @Test("a store made by the v1 schema opens, migrates, and keeps its data")
    func migration() throws {
        let dir = temporaryFolder()
        defer { cleanup(dir) }
        var householdID: HouseholdID?
        do {
            let store = try newStore(dir)
            householdID = try store.addHousehold(sampleHousehold()).id
        }
        // Turn the file back into what version 1 left behind.
        let db = try DatabaseQueue(path: dir.appendingPathComponent(DeviceStore.databaseName).path)
        try db.write { db in
            try db.execute(sql: "DROP TABLE sync_state; DROP INDEX bodies_member; DELETE FROM grdb_migrations WHERE identifier = 'v2'")
        }
        #expect(try db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sync_state'") } == 0)
        try db.close()
        let reopened = try DeviceStore.open(at: dir, credential: passphrase)
        #expect(try reopened.households(in: village).map(\.id) == [householdID].compactMap { $0 })
        #expect(try reopened.pending().lastSyncAt == nil, "the v2 table exists again")
        #expect(try reopened.outbox().count == 1)
    }

    /// The writer that `killed` runs in a child process and kills: households, edits and visits
    /// with photos as fast as it can. Enabled only in that child.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FIELDROLL_CRASH_WRITER"] != nil))
    func crashWriter() throws {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["FIELDROLL_CRASH_WRITER"] ?? "")
        let store = try DeviceStore.open(at: dir, credential: passphrase)
        let deadline = Date().addingTimeInterval(30)
        var n = 0
        while Date() < deadline {
            n += 1
            let h = try store.addHousehold(sampleHousehold())
            _ = try store.editHousehold(h.id, set: ["notes": .string("visit \(n)")])
            // A distinct photo each time, so photo files are written too.
            var photo = housePhoto
            photo.append(contentsOf: withUnsafeBytes(of: n) { Array($0) })
            _ = try store.recordVisit(
                household: h.id, author: "李敏", startedAt: Instant(millis: 0), endedAt: Instant(millis: 1), answers: ["n": .int(Int64(n))],
                photos: [PhotoInput(data: photo, kind: .house)])
        }
    }

    @Test("a process killed with SIGKILL mid-write leaves a consistent store and a complete outbox", arguments: [0, 150, 400])
    func killed(afterMillis delay: Int) throws {
        let dir = temporaryFolder("crash")
        defer { cleanup(dir) }
        _ = try newStore(dir)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        writer.arguments = ["--testing-library", "swift-testing", "--filter", "crashWriter"]
        writer.environment = ["FIELDROLL_CRASH_WRITER": dir.path]
        writer.standardOutput = Pipe()
        writer.standardError = Pipe()
        try writer.run()
        // Wait (at most 30 s) until the writer has committed something, then a little more.
        let path = dir.appendingPathComponent(DeviceStore.databaseName).path
        for _ in 0..<300 {
            let queue = try DatabaseQueue(path: path)
            let n = try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM outbox") } ?? 0
            try queue.close()
            if n > 0 { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        Thread.sleep(forTimeInterval: Double(delay) / 1000)
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        #expect(writer.terminationReason == .uncaughtSignal, "the writer was still writing when it was killed")

        let db = try DatabaseQueue(path: dir.appendingPathComponent(DeviceStore.databaseName).path)
        #expect(try db.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok")
        try db.close()
        let store = try DeviceStore.open(at: dir, credential: passphrase)
        let households = try store.households(in: village)
        let outbox = try store.outbox(limit: 100_000)
        #expect(!households.isEmpty, "the writer got to write before it was killed")
        // Every household and visit has its changes in the outbox, and every change its record.
        let records = Set(households.map(\.id.description))
        #expect(records == Set(outbox.flatMap { $0.changeSet.changes.filter { $0.entity == .household }.map(\.record) }))
        for h in households {
            let detail = try store.household(h.id)
            for v in detail.visits {
                #expect(outbox.contains { $0.changeSet.changes.contains { $0.record == v.id.description } })
                for d in v.photos { #expect(try store.photoData(d).count > 0, "a visit's photo is readable") }
            }
        }
        for entry in outbox { try entry.changeSet.verifySignature(with: store.publicKey) }
        // The store still takes work after the crash.
        _ = try store.addHousehold(sampleHousehold())
    }

    @Test("a pulled roll shows who must check in by the pulled schedule; a check-in clears it")
    func checkInsDue() throws {
        let dir = temporaryFolder()
        defer { cleanup(dir) }
        let store = try newStore(dir)
        let h = try store.addHousehold(sampleHousehold())
        let head = try store.addMember(sampleMember(h.id))
        let enrolment = try pullEnrolment(store, household: h.id, start: "2026-02-01", checkIns: .standard)
        #expect(try store.cursor(for: NodeID("server-1"))?.position == 1)
        #expect(try store.household(h.id).enrolments == [enrolment])
        // Quarterly from 02-01: due 05-01, 15 days' grace to 05-16.
        let due = try store.checkInsDue(in: village, asOf: try CalendarDate("2026-06-01"))
        #expect(try due.map(\.householdID) == [h.id] && due.first?.standing.due == (try CalendarDate("2026-05-01")))
        #expect(due.first?.standing.state == .overdue && due.first?.standing.daysOverdue == 31)
        #expect(due.first?.members.map(\.id) == [head.id])
        #expect(try store.checkInsDue(in: village, asOf: try CalendarDate("2026-04-01")).isEmpty)
        #expect(
            try store.checkInsDue(in: village, asOf: try CalendarDate("2026-04-01"), lookahead: 30).map(\.standing.state) == [.upcoming])
        _ = try store.recordCheckIn(member: head.id, method: .inPerson, place: "上河村村委会", at: try Instant("2026-05-30T02:00:00Z"))
        #expect(try store.checkInsDue(in: village, asOf: try CalendarDate("2026-06-01")).isEmpty)
        // Due again 08-30; overdue after 09-14.
        #expect(try store.checkInsDue(in: village, asOf: try CalendarDate("2026-09-01")).map(\.standing.state) == [.due])
        #expect(try store.checkInsDue(in: village, asOf: try CalendarDate("2026-09-15")).map(\.standing.daysOverdue) == [16])
    }
}

@Suite("fieldroll on the command line")
struct FieldRollCLITests {
    @Test("the store lives in --data, else FIELDROLL_DEVICE, else the user's data folder; a weak passphrase leaves no folder")
    func storeFolder() throws {
        let home = temporaryFolder("home")
        defer { cleanup(home) }
        func run(_ args: [String], _ environment: [String: String]) throws -> (Int32, String) {
            let p = Process()
            p.executableURL = try #require(fieldrollBinary)
            p.arguments = args
            p.environment = environment.merging(["HOME": home.path, "PATH": "/usr/bin:/bin"]) { a, _ in a }
            p.currentDirectoryURL = FileManager.default.temporaryDirectory
            let out = Pipe()
            p.standardOutput = out
            p.standardError = Pipe()
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: o, as: UTF8.self))
        }
        let weak = home.appendingPathComponent("weak")
        #expect(try run(["init", "--name", "x", "--data", weak.path], ["FIELDROLL_PASSPHRASE": "short"]).0 == 1)
        #expect(!FileManager.default.fileExists(atPath: weak.path), "a refused init leaves nothing behind")
        let (status, out) = try run(["init", "--name", "x", "--json"], ["FIELDROLL_PASSPHRASE": "correct horse battery"])
        let expected = home.appendingPathComponent(".local/share/fieldroll").path
        #expect(status == 0 && out.contains(expected), "\(out)")
        #expect(FileManager.default.fileExists(atPath: expected + "/" + DeviceStore.databaseName))
        let chosen = home.appendingPathComponent("chosen")
        #expect(
            try run(["init", "--name", "y"], ["FIELDROLL_PASSPHRASE": "correct horse battery", "FIELDROLL_DEVICE": chosen.path]).0 == 0)
        #expect(FileManager.default.fileExists(atPath: chosen.appendingPathComponent(DeviceStore.databaseName).path))
    }

    @Test("a person's day through the CLI; bad input exits 1 with one line and changes nothing")
    func cli() throws {
        let dir = temporaryFolder("cli")
        defer { cleanup(dir) }
        let d = ["--data", dir.path]
        #expect(try fieldroll(["init", "--name", "李敏的平板"] + d).0 == 0)
        let (s1, out1, _) = try fieldroll(
            [
                "household", "add", "--region", "139901002201", "--address", "上河村3组12号", "--head", "王建国", "--housing", "self-built",
                "--income", "600.50", "--json",
            ] + d)
        #expect(s1 == 0)
        let h = try #require(try JSONValue(parsing: Data(out1.utf8)).objectValue?["id"]?.stringValue, "household add --json printed no id")
        #expect(
            try fieldroll(
                [
                    "member", "add", "--household", h, "--name", "王建国", "--resident-id", "11010519491231002X", "--relation", "head",
                    "--work", "farming", "--income", "600",
                ] + d
            ).0 == 0)
        let photo = fixtures.appendingPathComponent("photos/house.jpg").path
        #expect(
            try fieldroll(
                ["visit", "record", "--household", h, "--author", "李敏", "--answer", "income.wages=1200", "--photo", "house:\(photo)"] + d
            ).0 == 0)
        let before = try fieldroll(["status", "--json"] + d).1
        let bad: [[String]] = [
            [
                "member", "add", "--household", h, "--name", "王芳", "--resident-id", "110105194912310021", "--relation", "spouse", "--work",
                "farming", "--income", "300",
            ],
            [
                "member", "add", "--household", "00000000-0000-4000-8000-000000000000", "--name", "王芳", "--resident-id",
                "11010519491231002X", "--relation", "spouse", "--work", "farming", "--income", "300",
            ],
            ["household", "add", "--region", "139901002201", "--address", "x", "--head", "y", "--housing", "owned", "--income", "1.234"],
            ["visit", "record", "--household", h, "--author", "李敏", "--answers-file", fixtures.appendingPathComponent("README.md").path],
            ["photo", "attach", "--household", h, "--kind", "house", "/nonexistent/photo.jpg"],
            ["household", "show", "not-a-uuid"],
        ]
        for args in bad {
            let (status, out, err) = try fieldroll(args + d)
            #expect(status != 0 && out.isEmpty, "\(args)")
            #expect(err.split(separator: "\n").count == 1 && err.hasPrefix("Error: "), "\(args): \(err)")
        }
        // A value outside an option's list is a wrong command line: exit 2, naming the values.
        let (usage, usageOut, usageErr) = try fieldroll(
            ["household", "add", "--region", "139901002201", "--address", "x", "--head", "y", "--housing", "castle", "--income", "1"] + d)
        #expect(usage == 2 && usageOut.isEmpty && usageErr.hasPrefix("Error: ") && usageErr.contains("self-built"), "\(usageErr)")
        #expect(try fieldroll(["checkin", "record", "--member", h, "--method", "telepathy", "--place", "x"] + d).0 == 2)
        #expect(try fieldroll(["member", "add", "--help"]).1.contains("grade-1"))
        #expect(try fieldroll(["status", "--json"] + d).1 == before, "nothing changed")
        let (wrong, _, wrongErr) = try { () throws -> (Int32, String, String) in
            let p = Process()
            p.executableURL = fieldrollBinary
            p.arguments = ["status"] + d
            p.environment = ["FIELDROLL_PASSPHRASE": "wrong wrong wrong"]
            let err = Pipe()
            p.standardError = err
            p.standardOutput = Pipe()
            try p.run()
            let e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, "", String(decoding: e, as: UTF8.self))
        }()
        #expect(wrong == 1 && wrongErr.hasPrefix("Error: wrong-key: "))
        let status = try JSONValue(parsing: Data(before.utf8)).objectValue
        #expect(status?["changes"] == 4 && status?["photosNotUploaded"] == 1)
    }

    @Test("income answers are typed in yuan and signed in fen; one that is not an amount is refused naming the answer")
    func incomeInYuan() throws {
        let dir = temporaryFolder("yuan")
        defer { cleanup(dir) }
        let d = ["--data", dir.path]
        #expect(try fieldroll(["init", "--name", "李敏的平板"] + d).0 == 0)
        let (s1, out1, _) = try fieldroll(
            [
                "household", "add", "--region", "139901002201", "--address", "上河村3组12号", "--head", "王建国", "--housing", "self-built",
                "--income", "600", "--json",
            ] + d)
        #expect(s1 == 0)
        let h = try #require(try JSONValue(parsing: Data(out1.utf8)).objectValue?["id"]?.stringValue)
        let file = dir.appendingPathComponent("survey.json")
        try Data(#"{"income.pension": "210.5", "income.rent": 99.99, "housing.condition": "漏雨"}"#.utf8).write(to: file)
        let (ok, out, err) = try fieldroll(
            [
                "visit", "record", "--household", h, "--author", "李敏", "--answer", "income.wages=1350.00", "--answer", "income.farm=600",
                "--answer", "household.rooms=3", "--answers-file", file.path, "--json",
            ] + d)
        #expect(ok == 0, "\(err)")
        let answers = try #require(try JSONValue(parsing: Data(out.utf8)).objectValue?["answers"]?.objectValue)
        // 1,350.00 + 600.00 + 210.50 + 99.99 yuan = 226,049 fen, each signed as fen.
        #expect(answers["income.wages"] == .int(135_000) && answers["income.farm"] == .int(60_000))
        #expect(answers["income.pension"] == .int(21_050) && answers["income.rent"] == .int(9_999))
        #expect(answers["household.rooms"] == .int(3) && answers["housing.condition"] == .string("漏雨"))
        let before = try fieldroll(["status", "--json"] + d).1
        for (typed, named) in [
            ("income.wages=1,350", "--answer income.wages"), ("income.wages=12.345", "--answer income.wages"),
            ("income.pension=-5", "--answer income.pension"), ("income.wages=一千", "--answer income.wages"),
        ] {
            let (status, printed, message) = try fieldroll(["visit", "record", "--household", h, "--author", "李敏", "--answer", typed] + d)
            #expect(status == 1 && printed.isEmpty, "\(typed)")
            #expect(message.hasPrefix("Error: invalid-record: \(named): ") && message.split(separator: "\n").count == 1, "\(message)")
        }
        try Data(#"{"income.wages": "1350,00"}"#.utf8).write(to: file)
        let (fromFile, _, fileErr) = try fieldroll(
            ["visit", "record", "--household", h, "--author", "李敏", "--answers-file", file.path] + d)
        #expect(fromFile == 1 && fileErr.contains("survey.json: income.wages: "), "\(fileErr)")
        #expect(try fieldroll(["status", "--json"] + d).1 == before, "nothing recorded")
        // A decision names the options typed, before anything else is looked at.
        let review = ["review", "decide", "7d2f0c1e-4b3a-4e5f-9a8b-1c2d3e4f5a6b", "--step", "township-review"]
        let (noBy, _, noByErr) = try fieldroll(review + ["--decision", "approve", "--by", ""] + d)
        #expect(noBy == 1 && noByErr == "Error: invalid-record: --by: is required: the name of who decides\n", "\(noByErr)")
        let (noReason, _, noReasonErr) = try fieldroll(review + ["--decision", "reject", "--by", "王干事"] + d)
        #expect(noReason == 1 && noReasonErr.hasPrefix("Error: invalid-record: --reason: is required"), "\(noReasonErr)")
        let (_, listed, _) = try fieldroll(["household", "list", "--region", "139901002201"] + d)
        #expect(listed.hasSuffix("\n1 household\n"), "one household, not 1 households: \(listed)")
    }
}
