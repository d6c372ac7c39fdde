import FieldRollCore
import Testing

@Suite("The check-in schedule")
struct CheckInScheduleTests {
    @Test("months are added on the calendar; a day the month lacks becomes its last day")
    func addingMonths() throws {
        #expect(try CalendarDate("2026-01-31").adding(months: 3) == (try CalendarDate("2026-04-30")))
        #expect(try CalendarDate("2026-11-30").adding(months: 3) == (try CalendarDate("2027-02-28")))
        #expect(try CalendarDate("2027-11-30").adding(months: 3) == (try CalendarDate("2028-02-29")))
        #expect(try CalendarDate("2026-08-31").adding(months: 6) == (try CalendarDate("2027-02-28")))
        #expect(try CalendarDate("2026-12-15").adding(months: 1) == (try CalendarDate("2027-01-15")))
        #expect(try CalendarDate("2024-02-29").adding(months: 12) == (try CalendarDate("2025-02-28")))
    }

    @Test("settings override the defaults; a bad value is invalid-configuration naming the setting")
    func settings() throws {
        let s = try CheckInSchedule(settings: {
            [
                "FIELDROLL_CHECKIN_RURAL_DIBAO": "Half-Yearly", "FIELDROLL_CHECKIN_GRACE_DAYS": "0",
                "FIELDROLL_CHECKIN_MATCH_THRESHOLD": "900",
            ][$0]
        })
        #expect(s.interval(for: .ruralDibao) == .halfYearly && s.interval(for: .urbanDibao) == .quarterly)
        #expect(s.interval(for: .extremePoverty) == .monthly && s.interval(for: .temporaryAssistance) == CheckInInterval.none)
        #expect(s.graceDays == 0 && s.matchThreshold == 900)
        for (key, value) in [
            ("FIELDROLL_CHECKIN_URBAN_DIBAO", "weekly"), ("FIELDROLL_CHECKIN_GRACE_DAYS", "-1"),
            ("FIELDROLL_CHECKIN_MATCH_THRESHOLD", "1001"),
        ] {
            do {
                _ = try CheckInSchedule(settings: { $0 == key ? value : nil })
                Issue.record("\(key)=\(value) was accepted")
            } catch {
                #expect(error.code == .invalidConfiguration && error.message.hasPrefix(key))
            }
        }
        #expect(CheckInSchedule.settingNames.contains(CheckInSchedule.settingName(.extremePoverty)))
        #expect(try CheckInSchedule(json: CheckInSchedule.standard.json) == .standard)
    }

    @Test("a face match below the threshold does not count; the others do, by any member")
    func counting() throws {
        let household = HouseholdID()
        let e = Enrolment(
            householdID: household, region: try RegionCode("139901002201"), programme: .urbanDibao, status: .enrolled,
            monthlyAmount: .yuan(500), appliedOn: try CalendarDate("2025-12-01"), startDate: try CalendarDate("2026-01-01"),
            statusSince: try CalendarDate("2026-01-01"))
        func checkIn(_ at: String, _ method: CheckInMethod, _ score: Int? = nil) throws -> CheckIn {
            CheckIn(
                memberID: MemberID(), householdID: household, region: e.region, at: try Instant(at), place: "home", method: method,
                matchScore: score, device: try NodeID("kiosk-1"))
        }
        let s = CheckInSchedule.standard
        let low = try checkIn("2026-03-01T02:00:00Z", .remoteFaceMatch, 799)
        let ok = try checkIn("2026-02-01T02:00:00Z", .remoteFaceMatch, 800)
        let standing = try #require(s.standing(of: e, checkIns: [low, ok], asOf: try CalendarDate("2026-05-01")))
        #expect(try standing.lastCheckIn?.id == ok.id && standing.due == (try CalendarDate("2026-05-01")) && standing.state == .due)
        var suspended = e
        suspended.status = .suspended
        #expect(
            try s.standing(of: suspended, checkIns: [], asOf: CalendarDate("2026-05-01")) == nil, "only enrolled households are scheduled")
    }
}
