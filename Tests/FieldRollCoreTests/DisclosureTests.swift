import FieldRollCore
import Testing

@Suite("One masking rule: whoever may not see a resident ID sees no field that gives it back")
struct DisclosureTests {
    /// A valid resident ID for an area, a birth date and a sequence number.
    static func residentID(area: String, birth: CalendarDate, sequence: Int) throws -> ResidentID {
        let y = String(birth.year)
        let m = birth.month < 10 ? "0\(birth.month)" : "\(birth.month)"
        let d = birth.day < 10 ? "0\(birth.day)" : "\(birth.day)"
        let s = String(sequence + 1000).suffix(3)
        let body = area + y + m + d + s
        return try ResidentID(body + String(ResidentID.checkCharacter(for: body.compactMap(\.wholeNumberValue))))
    }

    @Test("a restricted viewer sees the ID masked and the birth year only, never the birth digits")
    func restricted() throws {
        let id = try Self.residentID(area: "139901", birth: try CalendarDate("1984-06-11"), sequence: 196)
        let d = Disclosure.restricted
        let shown = d.residentID(id.rawValue)
        #expect(shown == "139901********" + id.rawValue.suffix(4))
        #expect(d.birthDate(id.birthDate) == "1984")
        #expect(d.birthDate("1984-06-11") == "1984")
        #expect(d.field("birthDate", "1984-06-11") == "1984")
        #expect(d.field("residentID", id.rawValue) == shown)
        #expect(d.field("phone", "13911112222") == "*******2222")
        #expect(d.field("address", "东岗村3组") == "东岗村3组", "other fields as they are")
        #expect(d.name("张小明") == "张小明", "staff see names")
        #expect(Disclosure.public.name("张小明") == "张*明", "the notice masks names")
        #expect(id.masked == shown, "logs and lists use the same rule")
    }

    @Test("whoever may see identifiers sees them whole")
    func full() throws {
        let id = try Self.residentID(area: "110105", birth: try CalendarDate("1949-12-31"), sequence: 2)
        #expect(Disclosure.full.residentID(id.rawValue) == id.rawValue)
        #expect(Disclosure.full.birthDate(id.birthDate) == "1949-12-31")
        #expect(Disclosure.full.phone("13911112222") == "13911112222")
    }

    @Test("roles: reviewers and console viewers restricted; those who collect or sign see it whole")
    func roles() {
        #expect(Disclosure(role: .reviewer) == .restricted)
        #expect(Disclosure(role: nil) == .restricted)
        for role in [Role.caseworker, .kiosk, .approver, .admin] { #expect(Disclosure(role: role) == .full, "\(role)") }
    }

    @Test("for any birth date, the masked ID and the shown birth date together never hold its month and day")
    func neverGivesBack() throws {
        var checked = 0
        for year in stride(from: 1930, through: 2020, by: 7) {
            for month in 1...12 {
                for day in [1, 9, 10, 17, 28] {
                    let birth = try CalendarDate(year: year, month: month, day: day)
                    let id = try Self.residentID(area: "139901", birth: birth, sequence: (year + month + day) % 1000)
                    for d in [Disclosure.restricted, .public] {
                        let page = d.residentID(id.rawValue) + " " + d.birthDate(birth)
                        let digits = id.rawValue.dropFirst(6).prefix(8)
                        #expect(!page.contains(digits), "\(page)")
                        #expect(!page.contains(birth.description), "\(page)")
                        #expect(d.residentID(id.rawValue).dropFirst(6).prefix(8) == "********", "\(page)")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked > 500)
    }

    @Test("an old 15-digit ID hides its 6 birth digits; text that is no ID is hidden whole")
    func otherShapes() {
        #expect(Disclosure.restricted.residentID("110105491231002") == "110105******002")
        #expect(Disclosure.restricted.residentID("11010519491231") == "**************")
        #expect(Disclosure.restricted.birthDate("31/12/1949") == "**********")
    }
}
