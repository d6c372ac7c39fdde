/// The closed vocabularies of the means-test survey and the rolls.
///
/// Raw values are the wire names (kebab-case English); `label` is the Chinese term a
/// caseworker sees on forms.

/// Sex, as recorded on the resident ID.
public enum Sex: String, Codable, Sendable, CaseIterable {
    case male, female
    public var label: String { self == .male ? "男" : "女" }
}

/// A member's relation to the household head.
public enum Relation: String, Codable, Sendable, CaseIterable {
    case head, spouse, child, parent, grandchild, grandparent, sibling, childInLaw = "child-in-law", other
    public var label: String {
        switch self {
        case .head: "户主"
        case .spouse: "配偶"
        case .child: "子女"
        case .parent: "父母"
        case .grandchild: "孙子女"
        case .grandparent: "祖父母"
        case .sibling: "兄弟姐妹"
        case .childInLaw: "儿媳/女婿"
        case .other: "其他"
        }
    }
}

/// Disability grade under the national certificate (1 most severe), or none.
public enum Disability: String, Codable, Sendable, CaseIterable {
    case none, grade1 = "grade-1", grade2 = "grade-2", grade3 = "grade-3", grade4 = "grade-4"
}

/// Health as the survey records it.
public enum Health: String, Codable, Sendable, CaseIterable {
    case healthy, chronicIllness = "chronic-illness", seriousIllness = "serious-illness", bedridden
}

/// Work situation, which drives the income the survey expects.
public enum WorkStatus: String, Codable, Sendable, CaseIterable {
    case employed, selfEmployed = "self-employed", farming, migrantWork = "migrant-work", unemployed,
        student, retired, preschool, unableToWork = "unable-to-work"
}

/// Housing tenure.
public enum Housing: String, Codable, Sendable, CaseIterable {
    case owned, selfBuilt = "self-built", rented, publicRental = "public-rental", borrowed, none
}

/// The assistance programmes a roll can hold.
public enum Programme: String, Codable, Sendable, CaseIterable {
    /// 城市最低生活保障
    case urbanDibao = "urban-dibao"
    /// 农村最低生活保障
    case ruralDibao = "rural-dibao"
    /// 特困人员救助供养
    case extremePoverty = "extreme-poverty"
    /// 临时救助
    case temporaryAssistance = "temporary-assistance"

    public var label: String {
        switch self {
        case .urbanDibao: "城市低保"
        case .ruralDibao: "农村低保"
        case .extremePoverty: "特困供养"
        case .temporaryAssistance: "临时救助"
        }
    }
}

/// Where an application stands in the review chain.
public enum EnrolmentStatus: String, Codable, Sendable, CaseIterable {
    case applied, surveyed, townshipReviewed = "township-reviewed", countyApproved = "county-approved",
        publicNotice = "public-notice", enrolled, rejected, suspended, terminated
}

/// A step of the review chain.
public enum ReviewStep: String, Codable, Sendable, CaseIterable {
    case villageSurvey = "village-survey", townshipReview = "township-review", countyApproval = "county-approval",
        publicNotice = "public-notice"
}

/// What a reviewer decided at a step.
public enum ReviewDecision: String, Codable, Sendable, CaseIterable {
    case approve, reject, returnForSurvey = "return-for-survey"
}

/// How a recipient proved presence at a check-in.
public enum CheckInMethod: String, Codable, Sendable, CaseIterable {
    case inPerson = "in-person", kiosk, remoteFaceMatch = "remote-face-match"
}

/// What a photo shows.
public enum PhotoKind: String, Codable, Sendable, CaseIterable {
    case house, idDocument = "id-document", surveySheet = "survey-sheet", face, other
}

/// The roles of people and devices.
public enum Role: String, Codable, Sendable, CaseIterable {
    case caseworker, kiosk, reviewer, approver, admin
}

extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// All wire names, for schema checks and error messages.
    public static var wireNames: [String] { allCases.map(\.rawValue) }
}
