/// The closed vocabularies of the means-test survey and the rolls.
///
/// Raw values are the wire names (kebab-case English); `label` is the Chinese term a
/// caseworker sees on forms.

/// Sex, as recorded on the resident ID.
public enum Sex: String, Codable, Sendable, CaseIterable {
    /// Male (男).
    case male
    /// Female (女).
    case female
    /// The Chinese term on forms: 男 or 女.
    public var label: String { self == .male ? "男" : "女" }
}

/// A member's relation to the household head.
public enum Relation: String, Codable, Sendable, CaseIterable {
    /// The household head (户主).
    case head
    /// The head's spouse (配偶).
    case spouse
    /// A child of the head (子女).
    case child
    /// A parent of the head (父母).
    case parent
    /// A grandchild of the head (孙子女).
    case grandchild
    /// A grandparent of the head (祖父母).
    case grandparent
    /// A brother or sister of the head (兄弟姐妹).
    case sibling
    /// A child's spouse: daughter-in-law or son-in-law (儿媳/女婿).
    case childInLaw = "child-in-law"
    /// Any other relation (其他).
    case other
    /// The Chinese term on forms, such as 户主 for the head.
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
    /// No disability.
    case none
    /// Grade 1, the most severe.
    case grade1 = "grade-1"
    /// Grade 2.
    case grade2 = "grade-2"
    /// Grade 3.
    case grade3 = "grade-3"
    /// Grade 4, the least severe.
    case grade4 = "grade-4"
}

/// Health as the survey records it.
public enum Health: String, Codable, Sendable, CaseIterable {
    /// In good health.
    case healthy
    /// Has a chronic illness.
    case chronicIllness = "chronic-illness"
    /// Has a serious illness.
    case seriousIllness = "serious-illness"
    /// Confined to bed.
    case bedridden
}

/// Work situation, which drives the income the survey expects.
public enum WorkStatus: String, Codable, Sendable, CaseIterable {
    /// Works for an employer.
    case employed
    /// Works for themselves.
    case selfEmployed = "self-employed"
    /// Farms.
    case farming
    /// Works away from home (migrant work).
    case migrantWork = "migrant-work"
    /// Without work.
    case unemployed
    /// A student.
    case student
    /// Retired.
    case retired
    /// A child not yet at school.
    case preschool
    /// Unable to work.
    case unableToWork = "unable-to-work"
}

/// Housing tenure.
public enum Housing: String, Codable, Sendable, CaseIterable {
    /// Owns its home.
    case owned
    /// Lives in a house it built itself.
    case selfBuilt = "self-built"
    /// Rents on the market.
    case rented
    /// Rents public housing.
    case publicRental = "public-rental"
    /// Lives in a home lent by others.
    case borrowed
    /// Has no home.
    case none
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

    /// The short Chinese name on forms and lists, such as 农村低保.
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
    /// The village has accepted the application; it waits for the village survey.
    case applied
    /// The village has surveyed the household; it waits for the township review.
    case surveyed
    /// The township has reviewed it; it waits for the county's approval.
    case townshipReviewed = "township-reviewed"
    /// The county has approved it; it waits for the public notice to start.
    case countyApproved = "county-approved"
    /// On public notice; enrolled once the notice has run its days.
    case
        publicNotice = "public-notice"
    /// On the roll and paid.
    case enrolled
    /// Refused at a step of the review chain.
    case rejected
    /// On the roll but not paid for now (roll review).
    case suspended
    /// Taken off the roll for good (roll review).
    case terminated
}

/// A step of the review chain.
public enum ReviewStep: String, Codable, Sendable, CaseIterable {
    /// The village accepts the application and surveys the household.
    case villageSurvey = "village-survey"
    /// The township reviews the application.
    case townshipReview = "township-review"
    /// The county approves (skipped when the township approves on its behalf).
    case countyApproval = "county-approval"
    /// The public notice, of at least five days, before enrolment.
    case
        publicNotice = "public-notice"
    /// The office's review of a household already on the roll: suspend (a missed check-in
    /// window, a cross-check hit, a survey that changes the means test), resume or terminate.
    case rollReview = "roll-review"
}

/// What a reviewer decided at a step.
public enum ReviewDecision: String, Codable, Sendable, CaseIterable {
    /// Approve: the application moves on to the next step.
    case approve
    /// Reject: the application ends as `rejected`.
    case reject
    /// At the township or county step: send the application back to `applied` for a new survey.
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
    /// In person, before a member of staff.
    case inPerson = "in-person"
    /// At a kiosk in a township service hall.
    case kiosk
    /// Remotely, by a phone face match that carries its score and the face photo.
    case remoteFaceMatch = "remote-face-match"
}

/// What a photo shows.
public enum PhotoKind: String, Codable, Sendable, CaseIterable {
    /// The house.
    case house
    /// An identity document.
    case idDocument = "id-document"
    /// The signed survey sheet.
    case surveySheet = "survey-sheet"
    /// A face, as for a remote check-in.
    case face
    /// Anything else.
    case other
}

/// The roles of people and devices.
public enum Role: String, Codable, Sendable, CaseIterable {
    /// A caseworker: visits households and surveys them.
    case caseworker
    /// A kiosk in a township service hall: takes applications and check-ins.
    case kiosk
    /// A reviewer: reviews applications (village survey and township steps).
    case reviewer
    /// An approver: approves at the county step, ends the public notice and decides at roll review.
    case approver
    /// An administrator: may decide at every review step.
    case admin

    /// The role with its article, for messages: `a reviewer`, `an approver`, `an admin`.
    public var withArticle: String {
        (["a", "e", "i", "o", "u"].contains(rawValue.first.map(String.init) ?? "") ? "an " : "a ") + rawValue
    }
}

extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// All wire names, for schema checks and error messages.
    public static var wireNames: [String] { allCases.map(\.rawValue) }
}
