import FieldRollCore
import Foundation

/// The CSV layouts offices use for households, members and the roll: one place that both
/// writes (export, fixtures) and reads (import) them, so the two can never drift apart.
///
/// Money is yuan with two decimals; dates `YYYY-MM-DD`; enumerations their wire names; an
/// empty `id` on import means "new record".
public enum OfficeCSV {
    public static let householdHeader = [
        "id", "region", "address", "head_name", "phone", "housing", "housing_area_m2", "declared_monthly_income_yuan", "assets",
    ]
    public static let memberHeader = [
        "id", "household_id", "region", "name", "resident_id", "relation", "birth_date", "sex", "disability", "health", "work",
        "monthly_income_yuan", "phone",
    ]
    public static let enrolmentHeader = [
        "id", "household_id", "region", "programme", "status", "monthly_amount_yuan", "applied_on", "start_date",
    ]

    public static func row(_ h: Household) -> [String] {
        [
            h.id.description, h.region.digits, h.address, h.headName, h.phone?.rawValue ?? "", h.housing.rawValue,
            h.housingArea.map(String.init) ?? "",
            h.declaredMonthlyIncome.description, h.assets ?? "",
        ]
    }

    public static func row(_ m: Member) -> [String] {
        [
            m.id.description, m.householdID.description, m.region.digits, m.name, m.residentID.rawValue, m.relation.rawValue,
            m.birthDate.description,
            m.sex.rawValue, m.disability.rawValue, m.health.rawValue, m.work.rawValue, m.monthlyIncome.description, m.phone?.rawValue ?? "",
        ]
    }

    public static func row(_ e: Enrolment) -> [String] {
        [
            e.id.description, e.householdID.description, e.region.digits, e.programme.rawValue, e.status.rawValue,
            e.monthlyAmount.description,
            e.appliedOn.description, e.startDate?.description ?? "",
        ]
    }

    /// Reads one household row; every bad cell is reported.
    public static func household(_ r: [String: String]) throws(ValidationError) -> Household {
        var c = Cells(r)
        let h = Household(
            id: c.id(HouseholdID.self, "id"), region: c.region("region"), address: c.text("address"), headName: c.text("head_name"),
            phone: c.optional("phone") { try PhoneNumber($0, field: "phone") }, housing: c.choice(Housing.self, "housing"),
            housingArea: c.optional("housing_area_m2") { t in
                guard let n = Int(t), n >= 0 else {
                    throw ValidationError([
                        FieldIssue(field: "housing_area_m2", reason: "bad-format", message: "must be whole square metres")
                    ])
                }
                return n
            },
            declaredMonthlyIncome: c.money("declared_monthly_income_yuan"), assets: c.optional("assets") { $0 })
        try c.finish(h.validate())
        return h
    }

    public static func member(_ r: [String: String]) throws(ValidationError) -> Member {
        var c = Cells(r)
        let rid = c.required("resident_id") { try ResidentID($0, field: "resident_id") } ?? (try? ResidentID("11010519491231002X"))!
        var m = Member(
            id: c.id(MemberID.self, "id"), householdID: c.id(HouseholdID.self, "household_id", required: true), region: c.region("region"),
            name: c.text("name"), residentID: rid, relation: c.choice(Relation.self, "relation"),
            disability: c.choice(Disability.self, "disability"),
            health: c.choice(Health.self, "health"), work: c.choice(WorkStatus.self, "work"), monthlyIncome: c.money("monthly_income_yuan"),
            phone: c.optional("phone") { try PhoneNumber($0, field: "phone") })
        if let birth = c.optional("birth_date", { try CalendarDate($0, field: "birth_date") }) { m.birthDate = birth }
        if let sex = r["sex"], !sex.isEmpty { m.sex = c.choice(Sex.self, "sex") }
        try c.finish(m.validate())
        return m
    }

    public static func enrolment(_ r: [String: String]) throws(ValidationError) -> Enrolment {
        var c = Cells(r)
        let e = Enrolment(
            id: c.id(EnrolmentID.self, "id"), householdID: c.id(HouseholdID.self, "household_id", required: true),
            region: c.region("region"),
            programme: c.choice(Programme.self, "programme"), status: c.choice(EnrolmentStatus.self, "status"),
            monthlyAmount: c.money("monthly_amount_yuan"),
            appliedOn: c.required("applied_on") { try CalendarDate($0, field: "applied_on") } ?? CalendarDate.epoch,
            startDate: c.optional("start_date") { try CalendarDate($0, field: "start_date") })
        try c.finish(e.validate())
        return e
    }

    /// Reads cells, collecting every issue instead of stopping at the first.
    struct Cells {
        let row: [String: String]
        var issues = IssueCollector()
        init(_ row: [String: String]) { self.row = row }

        /// The cell's text, with the apostrophe an export put before a formula-like value taken off.
        func cell(_ name: String) -> String { CSVFormula.restore(row[name] ?? "").trimmingCharacters(in: .whitespaces) }

        mutating func fail(_ field: String, _ message: String) { issues.add(field, "bad-format", message) }

        mutating func required<T>(_ name: String, _ parse: (String) throws -> T) -> T? {
            let t = cell(name)
            if t.isEmpty {
                issues.add(name, "required", "is required")
                return nil
            }
            do { return try parse(t) } catch {
                issues.add(contentsOf: Self.issues(error, name))
                return nil
            }
        }

        mutating func optional<T>(_ name: String, _ parse: (String) throws -> T) -> T? {
            let t = cell(name)
            if t.isEmpty { return nil }
            do { return try parse(t) } catch {
                issues.add(contentsOf: Self.issues(error, name))
                return nil
            }
        }

        mutating func id<E>(_ type: Identifier<E>.Type, _ name: String, required: Bool = false) -> Identifier<E> {
            let t = cell(name)
            if t.isEmpty {
                if required { issues.add(name, "required", "is required") }
                return Identifier<E>()
            }
            do { return try Identifier<E>(t, field: name) } catch {
                issues.add(contentsOf: error.issues)
                return Identifier<E>()
            }
        }

        mutating func region(_ name: String) -> RegionCode {
            required(name) { try RegionCode($0) } ?? CalendarDate.placeholderRegion
        }

        mutating func text(_ name: String) -> String {
            let t = cell(name)
            if t.isEmpty { issues.add(name, "required", "is required") }
            return t
        }

        mutating func money(_ name: String) -> Fen { required(name) { try Fen(yuan: $0, field: name) } ?? .zero }

        mutating func choice<C: CaseIterable & RawRepresentable>(_ type: C.Type, _ name: String) -> C where C.RawValue == String {
            let t = cell(name)
            if let v = C(rawValue: t) { return v }
            issues.add(
                name, t.isEmpty ? "required" : "not-a-choice",
                t.isEmpty ? "is required" : "\"\(t.prefix(30))\" is not one of \(C.wireNames.joined(separator: ", "))")
            return C.allCases.first!
        }

        static func issues(_ error: any Error, _ name: String) -> [FieldIssue] {
            (error as? ValidationError)?.issues ?? [FieldIssue(field: name, reason: "bad-format", message: "\(error)")]
        }

        /// Throws every issue collected plus the record's own.
        func finish(_ recordIssues: [FieldIssue]) throws(ValidationError) {
            // Record-level issues only matter once the cells themselves parsed.
            let all = issues.issues.isEmpty ? recordIssues : issues.issues
            if !all.isEmpty { throw ValidationError(all) }
        }
    }
}

extension CalendarDate {
    /// Stand-ins while a row with bad cells is still being read; such a row is always refused.
    static let epoch = (try? CalendarDate(year: 1970, month: 1, day: 1))!
    static let placeholderRegion = (try? RegionCode("110000000000"))!
}
