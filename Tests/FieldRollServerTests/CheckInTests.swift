@preconcurrency import Crypto
import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

@testable import FieldRollServer

/// Check-in schedules on every backend: who is overdue by dates worked out by hand, which face
/// matches a person looks at, and a missed window suspending through a review action.
@Suite("Check-ins: schedules, overdue lists, face-match review, suspension")
struct CheckInTests {
    let village = try! RegionCode("139901002201")
    /// Rural dibao quarterly, extreme-poverty support monthly, temporary assistance none; 15 days'
    /// grace; face matches below 700‰ to a person.
    let schedule = CheckInSchedule(
        intervals: [.ruralDibao: .quarterly, .urbanDibao: .quarterly, .extremePoverty: .monthly, .temporaryAssistance: .none],
        graceDays: 15, matchThreshold: 700)

    /// Households, enrolments and check-ins, pushed through the pipeline as the office and a kiosk would.
    struct County {
        var pipeline: SyncPipeline
        var folder: URL
        var kiosk: DeviceIdentity
        /// A: rural dibao from 2026-01-31, never checked in (one face match at 640‰ that does not count).
        var a: Enrolment
        /// B: rural dibao from 2026-01-10, checked in at a kiosk on 2026-02-10.
        var b: Enrolment
        /// C: extreme-poverty support from 2026-03-01, checked in at 00:30 Beijing on 2026-04-01 (still 03-31 in UTC).
        var c: Enrolment
        /// D: temporary assistance, never checks in. E: rural dibao, only applied.
        var d: Enrolment
        var e: Enrolment
        var lowMatch: CheckIn
    }

    static func millis(_ text: String) throws -> Int64 { try Instant(text).millis }

    func county(_ backend: StorageBackendKind, threshold: Int? = nil) async throws -> County {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-checkins-\(UUID().uuidString)")
        let config = ServerConfiguration(dataDirectory: folder.path, databaseURL: try backend.freshDatabaseURL())
        let storage = try await ServerOpener.storage(config, create: true)
        let setup = try Self.millis("2026-05-01T02:00:00Z")
        let first = try await SyncPipeline.initialize(storage, now: setup)
        var s = schedule
        if let threshold { s.matchThreshold = threshold }
        let p = SyncPipeline(storage: storage, identity: first.identity, checkInSchedule: s)

        _ = try await p.createDevice(
            name: "城关镇大厅", role: .kiosk, scope: village, codeHash: "code", expiresAt: .max / 2, as: .operator(), now: setup)
        let key = Curve25519.Signing.PrivateKey()
        let kiosk = try await p.redeem(codeHash: "code", publicKey: key.publicKey, tokenHash: "token", proposedID: nil, now: setup)

        func enrolment(_ programme: Programme, _ status: EnrolmentStatus, start: String?) throws -> Enrolment {
            let day = try start.map { try CalendarDate($0) }
            let applied = try CalendarDate("2025-12-01")
            return Enrolment(
                householdID: HouseholdID(), region: village, programme: programme, status: status, monthlyAmount: .yuan(300),
                appliedOn: applied, startDate: day, statusSince: day ?? applied)
        }
        let a = try enrolment(.ruralDibao, .enrolled, start: "2026-01-31")
        let b = try enrolment(.ruralDibao, .enrolled, start: "2026-01-10")
        let c = try enrolment(.extremePoverty, .enrolled, start: "2026-03-01")
        let d = try enrolment(.temporaryAssistance, .enrolled, start: "2026-01-05")
        let e = try enrolment(.ruralDibao, .applied, start: nil)

        // The office's records: households, their heads and the roll.
        var clock = HybridLogicalClock(node: p.serverNode, last: nil)
        var changes: [Change] = []
        var heads: [HouseholdID: MemberID] = [:]
        for (i, en) in [a, b, c, d, e].enumerated() {
            let h = Household(
                id: en.householdID, region: village, address: "上河村\(i + 1)组", headName: "户主\(i + 1)", housing: .selfBuilt,
                declaredMonthlyIncome: .yuan(400))
            let m = Member(
                householdID: en.householdID, region: village, name: "户主\(i + 1)", residentID: try ResidentID("11010519491231002X"),
                relation: .head, work: .farming, monthlyIncome: .yuan(400))
            heads[en.householdID] = m.id
            for (entity, id, values) in [
                (EntityKind.household, h.id.description, try h.fieldValues), (.member, m.id.description, try m.fieldValues),
                (.enrolment, en.id.description, try en.fieldValues),
            ] {
                let stamp = clock.tick(now: setup)
                let writes = values.sorted { $0.key < $1.key }.map { FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: nil) }
                changes.append(Change(entity: entity, record: id, region: village, payload: .writes(writes)))
            }
        }
        let office = try ChangeSet(origin: p.serverNode, stamp: clock.tick(now: setup), changes: changes).signed(with: p.serverKey)
        let answer = try await p.push(
            [office], pusher: p.serverNode, writer: WriterContext(role: .admin, scope: village.ancestor(at: .province), isServer: true),
            now: setup)
        try #require(answer.results.allSatisfy { $0.status == .applied })

        // The kiosk's check-ins.
        func checkIn(_ en: Enrolment, _ at: String, _ method: CheckInMethod, score: Int? = nil) throws -> CheckIn {
            try CheckIn(
                memberID: #require(heads[en.householdID]), householdID: en.householdID, region: village, at: Instant(at),
                place: "城关镇便民服务大厅",
                method: method, matchScore: score, photo: method == .remoteFaceMatch ? SHA256Digest(of: Data("face".utf8)) : nil,
                device: kiosk.id
            ).signed(with: key)
        }
        let low = try checkIn(a, "2026-03-01T03:00:00Z", .remoteFaceMatch, score: 640)
        let taken = [low, try checkIn(b, "2026-02-10T02:00:00Z", .kiosk), try checkIn(c, "2026-03-31T16:30:00Z", .inPerson)]
        var kioskClock = HybridLogicalClock(node: kiosk.id, last: nil)
        let set = try ChangeSet(
            origin: kiosk.id, stamp: kioskClock.tick(now: setup),
            changes: try taken.map {
                Change(entity: .checkIn, record: $0.id.description, region: village, payload: .body(try JSONValue(encoding: $0)))
            }
        ).signed(with: key)
        let pushed = try await p.push([set], pusher: kiosk.id, writer: WriterContext(device: kiosk), now: setup)
        try #require(pushed.results.allSatisfy { $0.status == .applied }, "\(pushed.results)")
        return County(pipeline: p, folder: folder, kiosk: kiosk, a: a, b: b, c: c, d: d, e: e, lowMatch: low)
    }

    func status(_ p: SyncPipeline, _ id: EnrolmentID) async throws -> Enrolment {
        let record = try #require(try await p.storage.records(of: .enrolment, in: village).first { $0.id == id.description })
        guard case .state(let s) = record.content else { throw ProblemDetails(.notFound, detail: "no state") }
        return try Enrolment(id: id, values: s.values)
    }

    @Test(
        "the overdue list by hand: quarterly from 01-31 is due 04-30, 15 days' grace run to 05-15 across the month end",
        arguments: StorageBackendKind.allCases)
    func overdueByHand(backend: StorageBackendKind) async throws {
        let county = try await county(backend)
        defer { try? FileManager.default.removeItem(at: county.folder) }
        let p = county.pipeline

        // 2026-05-15 is the last day of A's grace: due, not overdue.
        let onLastDay = try await p.checkInList(in: village, asOf: try CalendarDate("2026-05-15"))
        #expect(onLastDay.first { $0.standing.enrolmentID == county.a.id }?.standing.state == .due)

        let list = try await p.checkInList(in: village, asOf: try CalendarDate("2026-05-16"))
        let byID = Dictionary(uniqueKeysWithValues: list.map { ($0.standing.enrolmentID, $0) })
        #expect(Set(byID.keys) == [county.a.id, county.b.id, county.c.id], "temporary assistance and applications do not check in")

        let a = try #require(byID[county.a.id])
        #expect(a.standing.state == .overdue)
        #expect(a.standing.due == (try CalendarDate("2026-04-30")), "01-31 plus three months: April has 30 days")
        #expect(a.standing.graceEnds == (try CalendarDate("2026-05-15")))
        #expect(a.standing.daysOverdue == 16, "04-30 → 05-16")
        #expect(a.standing.lastCheckIn == nil, "a face match at 640‰ < 700‰ does not count")
        #expect(a.lowMatches == 1 && a.headName == "户主1")

        // B checked in on 02-10: due 05-10, grace to 05-25.
        let b = try #require(byID[county.b.id])
        #expect(try b.standing.due == (try CalendarDate("2026-05-10")) && b.standing.graceEnds == (try CalendarDate("2026-05-25")))
        #expect(b.standing.state == .due && b.standing.daysOverdue == 6)
        #expect(b.standing.lastCheckIn?.day == (try CalendarDate("2026-02-10")))

        // C checked in at 00:30 on 04-01 in Beijing (03-31 in UTC): monthly, due 05-01, grace to 05-16.
        let c = try #require(byID[county.c.id])
        #expect(c.standing.lastCheckIn?.day == (try CalendarDate("2026-04-01")), "the day is Beijing's, not UTC's")
        #expect(try c.standing.due == (try CalendarDate("2026-05-01")) && c.standing.state == .due)

        let later = try await p.checkInList(in: village, asOf: try CalendarDate("2026-05-26"))
        #expect(
            later.filter { $0.standing.state == .overdue }.map(\.standing.enrolmentID).sorted()
                == [county.a.id, county.b.id, county.c.id].sorted())
        #expect(later.first { $0.standing.enrolmentID == county.b.id }?.standing.daysOverdue == 16)
        #expect(
            try await p.checkInList(in: try RegionCode("139901003201"), asOf: try CalendarDate("2026-05-26")).isEmpty, "another village")
        await p.storage.close()
    }

    @Test("face matches below the configured threshold are listed for a person, newest first", arguments: StorageBackendKind.allCases)
    func lowMatches(backend: StorageBackendKind) async throws {
        let county = try await county(backend)
        defer { try? FileManager.default.removeItem(at: county.folder) }
        let low = try await county.pipeline.lowMatchCheckIns(in: village)
        #expect(low.map(\.checkIn) == [county.lowMatch])
        #expect(try low.first?.memberName == "户主1" && low.first?.threshold == 700 && low.first?.day == (try CalendarDate("2026-03-01")))
        await county.pipeline.storage.close()

        let lenient = try await self.county(backend, threshold: 600)
        defer { try? FileManager.default.removeItem(at: lenient.folder) }
        #expect(try await lenient.pipeline.lowMatchCheckIns(in: village).isEmpty, "640‰ passes a 600‰ threshold")
        let list = try await lenient.pipeline.checkInList(in: village, asOf: try CalendarDate("2026-05-16"))
        #expect(list.first { $0.standing.enrolmentID == lenient.a.id }?.standing.lastCheckIn?.day == (try CalendarDate("2026-03-01")))
        await lenient.pipeline.storage.close()
    }

    @Test(
        "a missed window suspends through a signed, audited review action that devices pull; resume restarts the window",
        arguments: StorageBackendKind.allCases)
    func missedWindowSuspends(backend: StorageBackendKind) async throws {
        let county = try await county(backend)
        defer { try? FileManager.default.removeItem(at: county.folder) }
        let p = county.pipeline
        let now = try Self.millis("2026-05-16T02:00:00Z")
        let before = try await p.storage.head()

        await #expect(throws: ProblemDetails.self, "nobody is overdue in the future") {
            try await p.suspendOverdue(in: village, asOf: try CalendarDate("2026-05-17"), as: .operator("张科长", role: .approver), now: now)
        }
        let report = try await p.suspendOverdue(
            in: village, asOf: try CalendarDate("2026-05-16"), as: .operator("张科长", role: .approver), now: now)
        #expect(report.suspended.map(\.standing.enrolmentID) == [county.a.id] && report.refused.isEmpty)
        let a = try await status(p, county.a.id)
        #expect(try a.status == .suspended && a.statusSince == (try CalendarDate("2026-05-16")))
        #expect(try await status(p, county.b.id).status == .enrolled, "B is inside its grace days")

        // The action is a record like any other: stored, audited, pulled by the kiosk with the move.
        let actions = try await p.storage.records(of: .reviewAction, in: village).compactMap { r -> ReviewAction? in
            guard case .body(let body) = r.content else { return nil }
            return try body.decode(as: ReviewAction.self)
        }
        #expect(actions.map(\.decision) == [.suspend] && actions.first?.step == .rollReview && actions.first?.reviewer == "张科长")
        #expect(actions.first?.reason.contains("due 2026-04-30") == true)
        let entries = try await p.storage.auditEntries(after: 0, limit: 1000)
        #expect(entries.contains { $0.action == "review.suspend" && $0.subject == "enrolment/\(county.a.id)" })
        #expect(try await p.verifyAudit().ok)
        let page = try await p.pull(after: before.position, scope: county.kiosk.scope, limit: 100, now: now)
        #expect(page.changes.map(\.change.entity) == [.reviewAction, .enrolment])
        #expect(page.checkIns == schedule, "the pull page carries the schedule")

        // Running it again suspends nobody twice.
        let again = try await p.suspendOverdue(
            in: village, asOf: try CalendarDate("2026-05-16"), as: .operator("张科长", role: .approver), now: now)
        #expect(again.suspended.isEmpty && again.refused.isEmpty)

        // Resume: enrolled again from that day, start date kept; the next window runs from it.
        let resumeAt = try Self.millis("2026-05-20T02:00:00Z")
        try await p.review(
            enrolment: county.a.id, step: .rollReview, decision: .resume, reason: "本人到大厅核验", as: .operator("张科长", role: .approver),
            now: resumeAt)
        let resumed = try await status(p, county.a.id)
        #expect(try resumed.status == .enrolled && resumed.statusSince == (try CalendarDate("2026-05-20")))
        #expect(resumed.startDate == (try CalendarDate("2026-01-31")), "resuming is not a new enrolment")
        let standing = try await p.checkInList(in: village, asOf: try CalendarDate("2026-05-21")).first {
            $0.standing.enrolmentID == county.a.id
        }
        #expect(try standing?.standing.state == .upcoming && standing?.standing.due == (try CalendarDate("2026-08-20")))

        // The chain's rules hold: a reviewer may not suspend, an application cannot be suspended,
        // an enrolled household cannot be resumed.
        for (id, decision, role) in [
            (county.b.id, ReviewDecision.suspend, Role.reviewer), (county.e.id, .suspend, .approver), (county.b.id, .resume, .approver),
        ] {
            do {
                try await p.review(
                    enrolment: id, step: .rollReview, decision: decision, reason: "x", as: .operator("某人", role: role), now: resumeAt)
                Issue.record("\(decision) by \(role) was applied")
            } catch let problem as ProblemDetails {
                #expect(problem.code == (role == .reviewer ? .forbidden : .illegalTransition))
            }
        }
        let (b, e) = (try await status(p, county.b.id), try await status(p, county.e.id))
        #expect(b.status == .enrolled && e.status == .applied)
        await p.storage.close()
    }
}

@Suite("fieldroll-server checkins on the command line")
struct CheckInCLITests {
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-cli-checkins-\(UUID().uuidString)").path

    @Test("overdue by village, the face-match list, suspend-overdue through review actions, resume; bad settings and days exit 1")
    func checkins() throws {
        defer { try? FileManager.default.removeItem(atPath: data) }
        let config = data + ".env"
        try Data("FIELDROLL_CHECKIN_RURAL_DIBAO=monthly\nFIELDROLL_CHECKIN_GRACE_DAYS=10\nFIELDROLL_CHECKIN_MATCH_THRESHOLD=750\n".utf8)
            .write(to: URL(fileURLWithPath: config))
        defer { try? FileManager.default.removeItem(atPath: config) }
        #expect(try CLI.run(["init", "--data", data]).0 == 0)
        let county = fixturesDirectory.appendingPathComponent("county")
        let (imported, _, importErr) = try CLI.run([
            "import", "--data", data, "--households", county.appendingPathComponent("households.csv").path, "--members",
            county.appendingPathComponent("members.csv").path, "--enrolments", county.appendingPathComponent("enrolments.csv").path,
            "--history",
        ])
        #expect(imported == 0, "\(importErr)")
        let village = "139901002201"
        let base = ["--data", data, "--config", config]

        let (s1, out1, err1) = try CLI.run(["checkins", "overdue", "--scope", village, "--as-of", "2026-05-16", "--json"] + base)
        #expect(s1 == 0, "\(err1)")
        let listed = try #require(try JSONValue(parsing: Data(out1.utf8)).objectValue?["households"]?.arrayValue)
        let standings = listed.compactMap { $0.objectValue?["standing"]?.objectValue }
        #expect(!standings.isEmpty && standings.allSatisfy { $0["state"] == .string("overdue") && $0["interval"] == .string("monthly") })
        let (_, text, _) = try CLI.run(["checkins", "overdue", "--scope", village, "--as-of", "2026-05-16"] + base)
        #expect(text.hasPrefix("village \(village)\n") && text.contains("OVERDUE"), "\(text)")

        let (s2, out2, _) = try CLI.run(["checkins", "review", "--json"] + base)
        let review = try JSONValue(parsing: Data(out2.utf8)).objectValue
        #expect(s2 == 0 && review?["threshold"] == .int(750) && review?["checkIns"] == .array([]))

        let (s3, _, err3) = try CLI.run(["checkins", "suspend-overdue", "--as-of", "2199-01-01", "--by", "张科长"] + base)
        #expect(s3 == 1 && err3.hasPrefix("Error: bad-request: "), "\(err3)")
        let (s4, out4, err4) = try CLI.run(
            ["checkins", "suspend-overdue", "--scope", village, "--as-of", "2026-05-16", "--by", "张科长", "--json"] + base)
        #expect(s4 == 0, "\(err4)")
        let suspended = try #require(try JSONValue(parsing: Data(out4.utf8)).objectValue?["suspended"]?.arrayValue)
        #expect(suspended.count == standings.count)
        let (_, after, _) = try CLI.run(["checkins", "overdue", "--scope", village, "--as-of", "2026-05-16", "--json"] + base)
        #expect(try JSONValue(parsing: Data(after.utf8)).objectValue?["households"] == .array([]), "suspended households are off the list")

        let id = try #require(standings.first?["enrolmentID"]?.stringValue)
        let (s5, _, err5) = try CLI.run(["review", "resume", id, "--by", "张科长", "--reason", "本人到大厅核验"] + base)
        #expect(s5 == 0, "\(err5)")
        let (s6, _, err6) = try CLI.run(["review", "resume", id, "--by", "张科长", "--reason", "again"] + base)
        #expect(s6 == 1 && err6.hasPrefix("Error: illegal-transition: "), "\(err6)")
        #expect(try CLI.run(["audit", "verify", "--data", data]).0 == 0)

        try Data("FIELDROLL_CHECKIN_GRACE_DAYS=two weeks\n".utf8).write(to: URL(fileURLWithPath: config))
        let (s7, _, err7) = try CLI.run(["checkins", "overdue"] + base)
        #expect(s7 == 1 && err7.hasPrefix("Error: invalid-configuration: FIELDROLL_CHECKIN_GRACE_DAYS"), "\(err7)")
    }
}
