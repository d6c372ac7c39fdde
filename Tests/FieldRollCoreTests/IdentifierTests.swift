import FieldRollCore
import Foundation
import Testing

@Suite("Identifiers and values validate at the door")
struct IdentifierTests {
    @Test("a region code knows its level and what it contains")
    func regionScopes() throws {
        let county = try RegionCode("139901000000")
        let township = try RegionCode("139901002000")
        let village = try RegionCode("139901002201")
        let otherVillage = try RegionCode("139901003201")
        #expect(county.level == .county && township.level == .township && village.level == .village)
        #expect(county.contains(village) && township.contains(village) && village.contains(village))
        #expect(!township.contains(otherVillage))
        #expect(!village.contains(township), "a village does not contain its township")
        #expect(village.ancestor(at: .township) == township)
        #expect(village.ancestor(at: .county) == county)
    }

    @Test("malformed region codes are refused", arguments: ["13990100000", "1399010000001", "13990100000a", "000000000000", ""])
    func badRegion(_ text: String) {
        #expect(throws: ValidationError.self) { try RegionCode(text) }
    }

    @Test("resident IDs: the GB 11643 check digit, the birth date and sex are read and checked")
    func residentID() throws {
        // A widely published specimen number with a valid check digit.
        let id = try ResidentID("11010519491231002X")
        #expect(id.birthDate == (try CalendarDate("1949-12-31")))
        #expect(id.sex == .female)
        #expect(id.masked == "110105********002X")
        #expect((try ResidentID("11010519491231002x")).rawValue == "11010519491231002X")
        // Change one digit: the check digit no longer fits.
        #expect(throws: ValidationError.self) { try ResidentID("110105194912310021") }
        do {
            _ = try ResidentID("110105194912310021")
        } catch {
            #expect(error.issues.first?.reason == "bad-check-digit")
        }
        // February 30th is not a date, whatever the check digit.
        let body = "13990120230230001"
        let bad = body + String(ResidentID.checkCharacter(for: body.compactMap(\.wholeNumberValue)))
        #expect(throws: ValidationError.self) { try ResidentID(bad) }
        #expect(throws: ValidationError.self) { try ResidentID("1101051949") }
    }

    @Test("a reference field's canonical form is the lowercase UUID; other values are left alone")
    func canonicalReference() throws {
        let id = MemberID()
        let schema = Member.schema
        let upper = JSONValue.string(id.description.uppercased())
        #expect(schema.check(field: "householdID", value: upper, byServer: false) == nil)
        #expect(schema.canonical(field: "householdID", value: upper) == .string(id.description))
        #expect(schema.canonical(field: "name", value: "ABC") == "ABC")
        #expect(schema.canonical(field: "householdID", value: "not-a-uuid") == "not-a-uuid")
        let stamp = HLCTimestamp(physical: 1, logical: 0, node: try NodeID("dev1"))
        let writes = schema.canonical([FieldWrite(field: "householdID", value: upper, stamp: stamp, base: nil)])
        #expect(writes == [FieldWrite(field: "householdID", value: .string(id.description), stamp: stamp, base: nil)])
    }

    @Test("money is exact fen")
    func fen() throws {
        #expect(try Fen(yuan: "420") == Fen(42_000))
        #expect(try Fen(yuan: "348.5") == Fen(34_850))
        #expect(try Fen(yuan: "216.05") == Fen(21_605))
        #expect(try Fen(yuan: "-1.10") == Fen(-110))
        #expect(Fen(72_500).description == "725.00")
        #expect(Fen(-5).description == "-0.05")
        for bad in ["1.234", "abc", "1,5", "", "1.", "+3"] {
            #expect(throws: ValidationError.self, "\(bad)") { try Fen(yuan: bad) }
        }
    }

    @Test("benefit is (standard − per-capita income) × size, in fen, never negative")
    func benefit() {
        // Three people, standard 725, total income 1,000.50: 3 × 725 − 1000.50 = 1174.50.
        #expect(BenefitCalculator.monthlyBenefit(standard: .yuan(725), size: 3, totalMonthlyIncome: Fen(100_050)) == Fen(117_450))
        #expect(BenefitCalculator.monthlyBenefit(standard: .yuan(216), size: 2, totalMonthlyIncome: .yuan(500)) == .zero)
        #expect(BenefitCalculator.monthlyBenefit(standard: .yuan(216), size: 0, totalMonthlyIncome: .zero) == .zero)
    }

    @Test("the most specific standard in force is chosen")
    func standardLookup() throws {
        let county = try RegionCode("139901000000")
        let township = try RegionCode("139901002000")
        let village = try RegionCode("139901002201")
        let standards = [
            ProgrammeStandard(
                region: county, programme: .ruralDibao, monthlyPerCapita: .yuan(500), effectiveFrom: try CalendarDate("2025-01-01")),
            ProgrammeStandard(
                region: county, programme: .ruralDibao, monthlyPerCapita: .yuan(560), effectiveFrom: try CalendarDate("2026-01-01")),
            ProgrammeStandard(
                region: township, programme: .ruralDibao, monthlyPerCapita: .yuan(600), effectiveFrom: try CalendarDate("2026-07-01")),
        ]
        let june = BenefitCalculator.standard(for: village, programme: .ruralDibao, on: try CalendarDate("2026-06-30"), among: standards)
        #expect(june?.monthlyPerCapita == .yuan(560))
        let july = BenefitCalculator.standard(for: village, programme: .ruralDibao, on: try CalendarDate("2026-07-01"), among: standards)
        #expect(july?.monthlyPerCapita == .yuan(600))
        #expect(
            BenefitCalculator.standard(for: village, programme: .urbanDibao, on: try CalendarDate("2026-07-01"), among: standards) == nil)
    }

    @Test("dates, instants and phones parse strictly and round-trip")
    func datesAndPhones() throws {
        #expect(throws: ValidationError.self) { try CalendarDate("2023-02-29") }
        #expect((try CalendarDate("2024-02-29")).description == "2024-02-29")
        let t = try Instant("2026-11-23T08:10:24.123Z")
        #expect(t.description == "2026-11-23T08:10:24.123Z")
        #expect(t.millis == 1_795_421_424_123)
        #expect((try Instant("1970-01-01T00:00:00Z")).millis == 0)
        #expect(Instant(millis: -1).description == "1969-12-31T23:59:59.999Z")
        #expect(throws: ValidationError.self) { try Instant("2026-11-23 08:10:24") }
        #expect((try PhoneNumber("138 0013 8000")).rawValue == "13800138000")
        #expect((try PhoneNumber("0311-86012345")).masked == "*********2345")
        #expect(throws: ValidationError.self) { try PhoneNumber("12345") }
    }
}

@Suite("Records validate field by field")
struct ValidationTests {
    let village = try! RegionCode("139901002201")

    func household() -> Household {
        Household(
            region: village, address: "东岗村3组12号", headName: "王建国", phone: try? PhoneNumber("13800138000"), housing: .selfBuilt,
            housingArea: 80, declaredMonthlyIncome: .yuan(600))
    }

    @Test("a household round-trips through its replicated fields")
    func householdFields() throws {
        let h = household()
        let values = try h.fieldValues
        #expect(values["declaredMonthlyIncome"] == .int(60_000))
        #expect(values["id"] == nil)
        let back = try Household(id: h.id, values: values)
        #expect(back == h)
        #expect(h.validate().isEmpty)
    }

    @Test("every bad field is reported at once, with its reason")
    func allIssues() throws {
        var values = try household().fieldValues
        values["housing"] = .string("castle")
        values["declaredMonthlyIncome"] = .int(-5)
        values["headName"] = .string("   ")
        values["address"] = nil
        #expect(throws: ValidationError.self) { try Household(id: HouseholdID(), values: values) }
        do {
            _ = try Household(id: HouseholdID(), values: values)
        } catch let error as ValidationError {
            let reasons = Dictionary(error.issues.map { ($0.field, $0.reason) }, uniquingKeysWith: { a, _ in a })
            #expect(
                reasons == [
                    "housing": "not-a-choice", "declaredMonthlyIncome": "out-of-range", "headName": "required", "address": "required",
                ])
        }
    }

    @Test("device writes: unknown fields, server-owned fields and wrong types get their own codes")
    func writeChecks() {
        let schema = Household.schema
        #expect(schema.check(field: "favouriteColour", value: .string("red"), byServer: false)?.code == .unknownField)
        #expect(schema.check(field: "crossCheck", value: .string("ok"), byServer: false)?.code == .serverOwnedField)
        #expect(schema.check(field: "crossCheck", value: .string("ok"), byServer: true) == nil)
        #expect(schema.check(field: "housingArea", value: .string("80"), byServer: false)?.issue.reason == "wrong-type")
        #expect(schema.check(field: "phone", value: .null, byServer: false) == nil, "a phone may be cleared")
        #expect(Enrolment.schema.check(field: "monthlyAmount", value: .int(1), byServer: false)?.code == .serverOwnedField)
        #expect(Member.schema.sensitiveFields == ["residentID", "phone"])
        #expect(Household.schema.sensitiveFields == ["phone"])
    }

    @Test("a member's birth date and sex must agree with the resident ID")
    func memberCrossChecks() throws {
        var m = Member(
            householdID: HouseholdID(), region: village, name: "王芳", residentID: try ResidentID("11010519491231002X"), relation: .spouse,
            work: .farming, monthlyIncome: .yuan(300))
        #expect(m.validate().isEmpty)
        m.sex = .male
        m.birthDate = try CalendarDate("1950-01-01")
        #expect(Set(m.validate().map(\.field)) == ["sex", "birthDate"])
    }

    @Test("a remote face-match check-in needs its score and photo")
    func checkIn() throws {
        let c = CheckIn(
            memberID: MemberID(), householdID: HouseholdID(), region: village, at: Instant(millis: 0), place: "home",
            method: .remoteFaceMatch, device: try NodeID("kiosk-1"))
        #expect(Set(c.validate().map(\.field)) == ["matchScore", "photo"])
    }
}

@Suite("Scopes as code ranges")
struct CodeRangeTests {
    @Test("a region's code range holds exactly the codes it contains")
    func ranges() throws {
        let township = try RegionCode("139901002000")
        #expect(township.codeRange == ("139901002000", "139901002999"))
        for code in ["139901002201", "139901002000", "139901003201", "139902002201"] {
            let c = try RegionCode(code)
            let (lo, hi) = township.codeRange
            #expect((lo...hi).contains(c.digits) == township.contains(c), "\(code)")
        }
    }
}

@Suite("SHA-256 digests")
struct SHA256DigestTests {
    @Test("the digest's hex is FIPS 180-2's: two lowercase digits a byte, for the empty input and \"abc\"")
    func knownVectors() throws {
        #expect(SHA256Digest(of: Data()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256Digest(of: Data("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.lowercaseHex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(try SHA256Digest(hex: SHA256Digest(of: Data("abc".utf8)).hex.uppercased()) == SHA256Digest(of: Data("abc".utf8)))
    }
}
