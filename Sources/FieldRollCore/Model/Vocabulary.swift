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
    case head, spouse, child, parent, grandchild, grandparent, sibling
    case childInLaw = "child-in-law"
    case other
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
    case none
    case grade1 = "grade-1"
    case grade2 = "grade-2"
    case grade3 = "grade-3"
    case grade4 = "grade-4"
}

/// Health as the survey records it.
public enum Health: String, Codable, Sendable, CaseIterable {
    case healthy
    case chronicIllness = "chronic-illness"
    case seriousIllness = "serious-illness"
    case bedridden
}

/// Work situation, which drives the income the survey expects.
public enum WorkStatus: String, Codable, Sendable, CaseIterable {
    case employed
    case selfEmployed = "self-employed"
    case farming
    case migrantWork = "migrant-work"
    case unemployed,
        student, retired, preschool
    case unableToWork = "unable-to-work"
}

/// Housing tenure.
public enum Housing: String, Codable, Sendable, CaseIterable {
    case owned
    case selfBuilt = "self-built"
    case rented
    case publicRental = "public-rental"
    case borrowed, none
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

    /// The programme's full Chinese name, as on a public notice.
    public var fullName: String {
        switch self {
        case .urbanDibao: "城市最低生活保障"
        case .ruralDibao: "农村最低生活保障"
        case .extremePoverty: "特困人员救助供养"
        case .temporaryAssistance: "临时救助"
        }
    }
}

/// Where an application stands in the review chain.
public enum EnrolmentStatus: String, Codable, Sendable, CaseIterable {
    case applied, surveyed
    case townshipReviewed = "township-reviewed"
    case countyApproved = "county-approved"
    case
        publicNotice = "public-notice"
    case enrolled, rejected, suspended, terminated
}

/// A step of the review chain.
public enum ReviewStep: String, Codable, Sendable, CaseIterable {
    case villageSurvey = "village-survey"
    case townshipReview = "township-review"
    case countyApproval = "county-approval"
    case
        publicNotice = "public-notice"
    /// The office's review of a household already on the roll: suspend (a missed check-in
    /// window, a cross-check hit, a survey that changes the means test), resume or terminate.
    case rollReview = "roll-review"
}

/// What a reviewer decided at a step.
public enum ReviewDecision: String, Codable, Sendable, CaseIterable {
    case approve, reject
    case returnForSurvey = "return-for-survey"
    /// At `roll-review`: stop payments of an enrolled household for now.
    case suspend
    /// At `roll-review`: pay a suspended household again.
    case resume
    /// At `roll-review`: take an enrolled or suspended household off the roll for good (it no
    /// longer qualifies, moved away, died); a new application starts again at the village.
    case terminate
    /// At `roll-review`: the office looked at what was raised against an enrolled or suspended
    /// household (a cross-check flag, an amount of 0) and keeps it as it is; the reason says why.
    case confirm
}

/// How a recipient proved presence at a check-in.
public enum CheckInMethod: String, Codable, Sendable, CaseIterable {
    case inPerson = "in-person"
    case kiosk
    case remoteFaceMatch = "remote-face-match"
}

/// What a photo shows.
public enum PhotoKind: String, Codable, Sendable, CaseIterable {
    case house
    case idDocument = "id-document"
    case surveySheet = "survey-sheet"
    case face, other
}

/// The roles of people and devices.
public enum Role: String, Codable, Sendable, CaseIterable {
    case caseworker, kiosk, reviewer, approver, admin

    /// The role with its article, for messages: `a reviewer`, `an approver`, `an admin`.
    public var withArticle: String {
        (["a", "e", "i", "o", "u"].contains(rawValue.first.map(String.init) ?? "") ? "an " : "a ") + rawValue
    }
}

extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// All wire names, for schema checks and error messages.
    public static var wireNames: [String] { allCases.map(\.rawValue) }
}
