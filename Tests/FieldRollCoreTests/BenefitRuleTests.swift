import FieldRollCore
import Foundation
import Testing

/// The benefit rule in integer fen: the gap, its rounding and the minimum, the survey's income,
/// the standard in force, and a month's payment when the amount changes mid-month.
@Suite("Benefits to the fen")
struct BenefitRuleTests {
    let village = try! RegionCode("139901002201")
    let county = try! RegionCode("139901000000")

    @Test("the gap is standard × size − income, worked by hand; zero or less is not eligible")
    func gap() {
        // 820.00 × 3 − 1,000.50 = 2,460.00 − 1,000.50 = 1,459.50 yuan.
        let three = BenefitCalculator.compute(perCapita: Fen(82_000), size: 3, income: Fen(100_050), rule: .standard)
        #expect(three.gap == Fen(145_950) && three.amount == Fen(145_950) && three.eligible)
        // No income: 560.00 × 2 − 0 = 1,120.00 yuan, the whole standard for both.
        #expect(BenefitCalculator.compute(perCapita: .yuan(560), size: 2, income: .zero, rule: .standard).amount == .yuan(1_120))
        // Income above the standard: 560.00 × 2 − 1,500.00 = −380.00 → 0, not eligible.
        let above = BenefitCalculator.compute(perCapita: .yuan(560), size: 2, income: .yuan(1_500), rule: .standard)
        #expect(above.gap == Fen(-38_000) && above.amount == .zero && !above.eligible)
        // Income exactly at the standard: 560.00 × 2 − 1,120.00 = 0 → not eligible.
        #expect(!BenefitCalculator.compute(perCapita: .yuan(560), size: 2, income: .yuan(1_120), rule: .standard).eligible)
        // Per-capita income need not be whole fen: 1,000.00 ÷ 3 = 333.33… a person; the product
        // form avoids the division: 725.00 × 3 − 1,000.00 = 1,175.00 exactly.
        #expect(BenefitCalculator.compute(perCapita: .yuan(725), size: 3, income: .yuan(1_000), rule: .standard).amount == .yuan(1_175))
    }

    @Test("rounding to the fen or the yuan, and a minimum for eligible households only")
    func rounding() {
        func amount(_ rounding: BenefitRule.Rounding, _ gap: Int64, minimum: Int64 = 0) -> Int64 {
            BenefitRule(rounding: rounding, minimum: Fen(minimum)).amount(gap: Fen(gap)).rawValue
        }
        #expect(amount(.fen, 1_234) == 1_234)
        #expect(amount(.yuanUp, 1_201) == 1_300 && amount(.yuanUp, 1_200) == 1_200 && amount(.yuanUp, 1) == 100)
        #expect(amount(.yuanHalfUp, 1_249) == 1_200 && amount(.yuanHalfUp, 1_250) == 1_300)
        #expect(amount(.yuanDown, 1_299) == 1_200 && amount(.yuanDown, 99, minimum: 0) == 0)
        // 2.50 yuan up to 3.00, then the minimum of 10.00.
        #expect(amount(.yuanUp, 250, minimum: 1_000) == 1_000)
        #expect(amount(.fen, 123_456, minimum: 1_000) == 123_456)
        // Not eligible stays 0 whatever the minimum.
        #expect(amount(.fen, 0, minimum: 1_000) == 0 && amount(.yuanUp, -5, minimum: 1_000) == 0)
        #expect(BenefitRule.standard.summary == "to the fen, no minimum")
        #expect(BenefitRule(rounding: .yuanUp, minimum: .yuan(10)).summary == "up to the yuan, at least 10.00 yuan")
    }

    @Test("the survey's income sums its income answers in fen and names those that are not amounts")
    func surveyIncome() {
        let income = SurveyIncome(answers: [
            "income.wages": .int(80_000), "income.pension": .int(20_050), "income.notes": .string("打零工"),
            "income.rent": .double(12.5), "income.debt": .int(-100), "housing.area": .int(60),
        ])
        #expect(income.total == Fen(100_050))
        #expect(income.ignored == ["income.debt", "income.notes", "income.rent"])
        #expect(SurveyIncome(answers: [:]).total == .zero)
    }

    @Test("the visit that stands is the latest one no other visit corrects")
    func latestVisit() {
        let household = HouseholdID()
        let device = try! NodeID("dev-a")
        func visit(_ end: Int64, supersedes: VisitID? = nil) -> Visit {
            Visit(
                householdID: household, region: village, author: "李敏", device: device, startedAt: Instant(millis: end - 1),
                endedAt: Instant(millis: end), answers: [:], supersedes: supersedes)
        }
        let first = visit(1_000)
        let second = visit(2_000)
        let correction = visit(1_500, supersedes: second.id)
        #expect(Visit.latest(of: [first, second])?.id == second.id)
        #expect(Visit.latest(of: [first, second, correction])?.id == correction.id, "a correction stands even if it ended earlier")
        #expect(Visit.latest(of: []) == nil)
    }

    @Test("the standard in force: the most specific area, the latest date, the entry made last")
    func standardInForce() throws {
        func standard(_ region: RegionCode, _ yuan: Int64, _ from: String, at: Int64) throws -> BenefitStandard {
            BenefitStandard(
                region: region, programme: .ruralDibao, monthlyPerCapita: .yuan(yuan), effectiveFrom: try CalendarDate(from), setBy: "张科长",
                at: Instant(millis: at))
        }
        let all = [
            try standard(county, 780, "2026-01-01", at: 1), try standard(county, 800, "2027-01-01", at: 2),
            try standard(county, 820, "2027-01-01", at: 3),  // a correction of the 800
            try standard(village, 900, "2027-03-01", at: 4),
        ]
        func on(_ d: String) throws -> Int64? {
            BenefitCalculator.standard(for: village, programme: .ruralDibao, on: try CalendarDate(d), among: all)?.monthlyPerCapita.rawValue
        }
        #expect(try on("2025-12-31") == nil)
        #expect(try on("2026-12-31") == 78_000)
        #expect(try on("2027-01-01") == 82_000)
        #expect(try on("2027-03-01") == 90_000)
        #expect(try standard(county, 0, "2027-01-01", at: 1).validate().map(\.field) == ["monthlyPerCapita"])
    }

    @Test("a month's payment when the standard changes mid-month: each amount for its days, rounded once")
    func midMonthPayment() throws {
        func change(_ from: String, _ fen: Int64, at: Int64 = 0) throws -> AmountChange {
            AmountChange(
                enrolmentID: EnrolmentID(), householdID: HouseholdID(), region: village, programme: .ruralDibao, previous: .zero,
                amount: Fen(fen), effectiveFrom: try CalendarDate(from), cause: .standard, reason: "test", standard: StandardID(),
                visit: VisitID(),
                computation: BenefitComputation(perCapitaStandard: .zero, size: 1, income: .zero, gap: .zero, amount: .zero),
                at: Instant(millis: at))
        }
        let history = [try change("2026-11-25", 156_000), try change("2027-01-15", 168_000)]
        // January: 1,560.00 for the 1st–14th, 1,680.00 for the 15th–31st:
        // (156,000 × 14 + 168,000 × 17) ÷ 31 = 5,040,000 ÷ 31 = 162,580.6… → 162,581 fen.
        #expect(BenefitCalculator.payment(year: 2027, month: 1, history: history) == Fen(162_581))
        #expect(BenefitCalculator.payment(year: 2026, month: 12, history: history) == Fen(156_000))
        #expect(BenefitCalculator.payment(year: 2027, month: 2, history: history) == Fen(168_000))
        // November 2026: from the 25th only, 6 of 30 days: 156,000 × 6 ÷ 30 = 31,200 fen.
        #expect(BenefitCalculator.payment(year: 2026, month: 11, history: history) == Fen(31_200))
    }

    @Test("names and resident IDs are masked for the public notice")
    func masking() {
        #expect(NoticeMask.name("张明") == "张*")
        #expect(NoticeMask.name("张小明") == "张*明")
        #expect(NoticeMask.name("欧阳小明") == "欧**明")
        #expect(NoticeMask.name("张") == "*")
        #expect(NoticeMask.name(" 王建国 ") == "王*国")
        #expect(NoticeMask.name("") == "")
        #expect(NoticeMask.residentID("11010519491231002X") == "110105********002X")
        #expect(NoticeMask.residentID("110105491231002") == "110105******002", "a 15-digit old number: its 6 birth digits hidden")
        #expect(NoticeMask.residentID("12345") == "*****")
    }
}
