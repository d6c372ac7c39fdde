import FieldRollCore
import Testing

@Suite("Days on the calendar")
struct CalendarDaysTests {
    @Test("day numbers, weekdays and working days, worked by hand")
    func days() throws {
        let d = try CalendarDate("2026-11-25")
        #expect(d.dayNumber == 20_782 && d.weekday == 3, "a Wednesday")
        #expect(CalendarDate(dayNumber: 0).description == "1970-01-01")
        #expect(try CalendarDate("2024-02-28").adding(days: 1).description == "2024-02-29")
        #expect(try CalendarDate("2026-12-31").adding(days: 1).description == "2027-01-01")
        #expect(try CalendarDate("2026-11-27").workingDays(until: try CalendarDate("2026-11-30")) == 1, "Friday to Monday")
        #expect(CalendarDate(chinaDayOf: try Instant("2026-11-24T16:30:00Z")).description == "2026-11-25", "00:30 in Beijing")
        for n in [-800_000, -1, 0, 59, 60, 20_782, 100_000] { #expect(CalendarDate(dayNumber: n).dayNumber == n) }
    }
}

@Suite("The review chain")
struct ReviewChainTests {
    let chain = ReviewChain.standard
    let day = try! CalendarDate("2026-11-25")

    func approve(_ status: EnrolmentStatus, at step: ReviewStep, by role: Role, since: CalendarDate? = nil, today: CalendarDate? = nil)
        -> Result<ReviewTransition, ReviewRefusal>
    {
        chain.decide(.approve, at: step, by: role, status: status, since: since, today: today ?? day)
    }

    @Test("two-level: village survey, township review, county approval, seven days of notice, enrolled")
    func fullChain() throws {
        #expect(try approve(.applied, at: .villageSurvey, by: .reviewer).get().status == .surveyed)
        #expect(try approve(.surveyed, at: .townshipReview, by: .reviewer).get().status == .townshipReviewed)
        #expect(try approve(.townshipReviewed, at: .countyApproval, by: .approver).get().status == .publicNotice)
        let early = approve(.publicNotice, at: .publicNotice, by: .approver, since: day, today: day.adding(days: 6))
        #expect((try? early.get()) == nil)
        if case .failure(let why) = early { #expect(why.code == .noticeNotOver && why.message.contains("2026-12-02")) }
        let done = try? approve(.publicNotice, at: .publicNotice, by: .approver, since: day, today: day.adding(days: 7)).get()
        #expect(done == ReviewTransition(status: .enrolled, since: day.adding(days: 7)))
    }

    @Test("one-level: the township approves and the notice starts; the county step is skipped")
    func oneLevel() throws {
        let township = try ReviewChain(townshipApproves: true, noticeDays: 5, deadlines: [.villageSurvey: 15, .townshipReview: 20])
        #expect(
            try township.decide(.approve, at: .townshipReview, by: .approver, status: .surveyed, since: nil, today: day).get().status
                == .publicNotice)
        #expect(throws: ValidationError.self) { try ReviewChain(townshipApproves: true, noticeDays: 4, deadlines: [:]) }
    }

    @Test("refusals: the wrong step, the wrong role, a closed application; a rejection and a return at any step")
    func refusals() {
        func code(_ r: Result<ReviewTransition, ReviewRefusal>) -> ErrorCode? { if case .failure(let e) = r { e.code } else { nil } }
        #expect(code(approve(.applied, at: .countyApproval, by: .approver)) == .illegalTransition, "no skipping the survey")
        #expect(
            code(approve(.townshipReviewed, at: .countyApproval, by: .reviewer)) == .forbidden, "a reviewer does not approve for the county"
        )
        #expect(code(approve(.enrolled, at: .publicNotice, by: .approver)) == .illegalTransition)
        #expect(code(approve(.rejected, at: .villageSurvey, by: .reviewer)) == .illegalTransition, "a refused application stays refused")
        for (status, step, role) in [
            (EnrolmentStatus.applied, ReviewStep.villageSurvey, Role.reviewer), (.surveyed, .townshipReview, .reviewer),
            (.townshipReviewed, .countyApproval, .approver), (.publicNotice, .publicNotice, .approver),
        ] {
            #expect((try? chain.decide(.reject, at: step, by: role, status: status, since: day, today: day).get().status) == .rejected)
        }
        #expect(
            (try? chain.decide(.returnForSurvey, at: .countyApproval, by: .approver, status: .townshipReviewed, since: day, today: day)
                .get().status) == .applied)
        #expect(
            code(chain.decide(.returnForSurvey, at: .villageSurvey, by: .reviewer, status: .applied, since: day, today: day))
                == .illegalTransition)
    }

    @Test("deadlines count working days: 15 from Wednesday 2026-11-25 end on 2026-12-16")
    func deadlines() throws {
        #expect(chain.dueDate(status: .applied, since: day)?.description == "2026-12-16")
        #expect(chain.dueDate(status: .surveyed, since: day)?.description == "2026-12-23")
        let holiday = try CalendarDate("2026-12-01")
        #expect(chain.dueDate(status: .applied, since: day, holidays: [holiday])?.description == "2026-12-17", "a holiday pushes it a day")
        #expect(chain.dueDate(status: .publicNotice, since: day) == nil && chain.dueDate(status: .enrolled, since: day) == nil)
    }

    @Test("on the roll: the office suspends an enrolled household and resumes a suspended one at roll-review, nothing else")
    func suspendAndResume() throws {
        func decide(_ d: ReviewDecision, _ status: EnrolmentStatus, at step: ReviewStep = .rollReview, by role: Role = .approver)
            -> Result<ReviewTransition, ReviewRefusal>
        {
            chain.decide(d, at: step, by: role, status: status, since: nil, today: day)
        }
        #expect(try decide(.suspend, .enrolled).get() == ReviewTransition(status: .suspended, since: day))
        #expect(try decide(.resume, .suspended, by: .admin).get() == ReviewTransition(status: .enrolled, since: day))
        func code(_ r: Result<ReviewTransition, ReviewRefusal>) -> ErrorCode? { if case .failure(let f) = r { f.code } else { nil } }
        #expect(code(decide(.suspend, .enrolled, by: .reviewer)) == .forbidden)
        #expect(code(decide(.suspend, .publicNotice)) == .illegalTransition, "an application is refused, not suspended")
        #expect(code(decide(.resume, .enrolled)) == .illegalTransition)
        #expect(code(decide(.suspend, .terminated)) == .illegalTransition)
        #expect(code(decide(.approve, .enrolled)) == .illegalTransition, "nothing is approved at roll-review")
        #expect(code(decide(.suspend, .enrolled, at: .countyApproval)) == .illegalTransition)
        #expect(code(decide(.resume, .surveyed, at: .townshipReview)) == .illegalTransition)
    }

    @Test("on the roll: terminate ends an enrolled or suspended household for good; confirm keeps it and its dates as they are")
    func terminateAndConfirm() throws {
        let started = try CalendarDate("2026-06-01")
        func decide(_ d: ReviewDecision, _ status: EnrolmentStatus, by role: Role = .approver) -> Result<ReviewTransition, ReviewRefusal> {
            chain.decide(d, at: .rollReview, by: role, status: status, since: started, today: day)
        }
        func code(_ r: Result<ReviewTransition, ReviewRefusal>) -> ErrorCode? { if case .failure(let f) = r { f.code } else { nil } }
        #expect(try decide(.terminate, .enrolled).get() == ReviewTransition(status: .terminated, since: day))
        #expect(try decide(.terminate, .suspended, by: .admin).get() == ReviewTransition(status: .terminated, since: day))
        #expect(code(decide(.terminate, .terminated)) == .illegalTransition, "terminated is final")
        #expect(code(decide(.terminate, .publicNotice)) == .illegalTransition, "an application is refused, not terminated")
        #expect(code(decide(.terminate, .enrolled, by: .reviewer)) == .forbidden)
        #expect(
            code(chain.decide(.terminate, at: .countyApproval, by: .approver, status: .enrolled, since: started, today: day))
                == .illegalTransition)
        let kept = try decide(.confirm, .enrolled).get()
        #expect(kept == ReviewTransition(status: .enrolled, since: started, moves: false), "the status and the day it began stay")
        #expect(try decide(.confirm, .suspended).get().status == .suspended)
        #expect(code(decide(.confirm, .rejected)) == .illegalTransition)
        #expect(code(decide(.confirm, .enrolled, by: .reviewer)) == .forbidden)
    }
}

@Suite("Review chains per county, from settings")
struct ReviewChainsTests {
    let twoLevel = try! RegionCode("139901002201")
    let oneLevel = try! RegionCode("139902001201")

    @Test("a county that sets one-level approval and its own days; every other county keeps the default chain")
    func perCounty() throws {
        let settings = [
            "FIELDROLL_REVIEW_CHAIN": "notice=6, township-review=25",
            "FIELDROLL_REVIEW_COUNTIES": "139902:one-level,notice=5; 139903000000:village-survey=10",
            "FIELDROLL_HOLIDAYS": "2027-01-01, 2027-02-16..2027-02-18",
        ]
        let chains = try ReviewChains(settings: { settings[$0] })
        let home = chains.chain(for: twoLevel)
        #expect(!home.townshipApproves && home.noticeDays == 6 && home.deadlines[.townshipReview] == 25)
        #expect(home.deadlines[.villageSurvey] == 15, "what the setting leaves out stays standard")
        let delegated = chains.chain(for: oneLevel)
        #expect(delegated.townshipApproves && delegated.noticeDays == 5 && delegated.deadlines[.townshipReview] == 25)
        #expect(chains.chain(for: try RegionCode("139903004000")).deadlines[.villageSurvey] == 10)
        #expect(chains.chain(for: try RegionCode("139903004000")).noticeDays == 6, "a county inherits the server's default")
        let expected = try ["2027-01-01", "2027-02-16", "2027-02-17", "2027-02-18"].map { try CalendarDate($0) }
        #expect(chains.holidays == Set(expected))
        #expect(
            delegated.decide(.approve, at: .townshipReview, by: .approver, status: .surveyed, since: nil, today: expected[0])
                .map(\.status) == .success(.publicNotice))
        #expect(try ReviewChains(settings: { _ in nil }) == .standard)
    }

    @Test("make-up working days (调休) count for deadlines, holidays do not; a day cannot be both")
    func workdays() throws {
        let settings = ["FIELDROLL_HOLIDAYS": "2027-02-10..2027-02-16", "FIELDROLL_WORKDAYS": "2027-02-07, 2027-02-20"]
        let chains = try ReviewChains(settings: { settings[$0] })
        #expect(chains.workdays == Set(try ["2027-02-07", "2027-02-20"].map { try CalendarDate($0) }))
        // From Friday 2027-02-05, 15 working days: Sun 02-07 (make-up) 1, 02-08..09 3, the holidays skipped,
        // 02-17..19 6, Sat 02-20 (make-up) 7, 02-22..26 12, 03-01..03 15.
        let since = try CalendarDate("2027-02-05")
        let chain = chains.chain(for: twoLevel)
        #expect(
            chain.dueDate(status: .applied, since: since, holidays: chains.holidays, workdays: chains.workdays)
                == (try CalendarDate("2027-03-03")))
        // Without the make-up days: two working days fewer by 02-20, so 03-05.
        #expect(chain.dueDate(status: .applied, since: since, holidays: chains.holidays) == (try CalendarDate("2027-03-05")))
        #expect(try CalendarDate("2027-03-03").workingDays(until: try CalendarDate("2027-03-08"), workdays: chains.workdays) == 3)
        do {
            _ = try ReviewChains(settings: { ["FIELDROLL_HOLIDAYS": "2027-02-14", "FIELDROLL_WORKDAYS": "2027-02-14"][$0] })
            Issue.record("a day both holiday and workday was accepted")
        } catch { #expect(error.message.hasPrefix("FIELDROLL_WORKDAYS: 2027-02-14 is also in FIELDROLL_HOLIDAYS"), "\(error.message)") }
    }

    @Test("bad settings are invalid-configuration and name the setting")
    func badSettings() {
        for (key, value) in [
            ("FIELDROLL_REVIEW_CHAIN", "notice=3"), ("FIELDROLL_REVIEW_CHAIN", "three-level"),
            ("FIELDROLL_REVIEW_CHAIN", "county-approval=0"), ("FIELDROLL_REVIEW_CHAIN", "roll-review=5"),
            ("FIELDROLL_REVIEW_COUNTIES", "139902001000:one-level"), ("FIELDROLL_REVIEW_COUNTIES", "one-level"),
            ("FIELDROLL_REVIEW_COUNTIES", "139902:one-level;139902:notice=9"), ("FIELDROLL_HOLIDAYS", "2027-13-01"),
            ("FIELDROLL_HOLIDAYS", "2027-02-18..2027-02-16"), ("FIELDROLL_WORKDAYS", "2027-02-30"),
        ] {
            do {
                _ = try ReviewChains(settings: { $0 == key ? value : nil })
                Issue.record("\(key)=\(value) was accepted")
            } catch {
                #expect(error.code == .invalidConfiguration && error.message.contains(key), "\(key)=\(value): \(error.message)")
            }
        }
    }
}
