/// A caseworker's household visit: the survey answers, where and when, which photos.
///
/// Immutable once signed ("whoever investigates signs"): the author's device signs the whole
/// record with Ed25519, and a correction is a new visit whose `supersedes` names the old one.
public struct Visit: SignedRecord, Hashable {
    /// The visit's id.
    public var id: VisitID
    /// The household visited.
    public var householdID: HouseholdID
    public var region: RegionCode
    /// The caseworker's name, as they sign survey sheets.
    public var author: String
    /// The device that recorded and signed the visit.
    public var device: DeviceID
    /// When the visit started.
    public var startedAt: Instant
    /// When the visit ended.
    public var endedAt: Instant
    /// Where the visit took place, by GPS; nil without a fix.
    public var location: GeoPoint?
    /// Survey answers by question key (`income.wages`, `housing.condition`, …).
    public var answers: [String: JSONValue]
    /// Content addresses of the photos taken during the visit.
    public var photos: [SHA256Digest]
    /// The visit this one corrects.
    public var supersedes: VisitID?
    /// Base64 Ed25519 signature over the canonical JSON of every other field.
    public var signature: String?

    /// Makes a visit; a new random id by default, unsigned until `signature` is set.
    public init(
        id: VisitID = VisitID(), householdID: HouseholdID, region: RegionCode, author: String, device: DeviceID,
        startedAt: Instant, endedAt: Instant, location: GeoPoint? = nil, answers: [String: JSONValue],
        photos: [SHA256Digest] = [], supersedes: VisitID? = nil, signature: String? = nil
    ) {
        self.id = id
        self.householdID = householdID
        self.region = region
        self.author = author
        self.device = device
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.location = location
        self.answers = answers
        self.photos = photos
        self.supersedes = supersedes
        self.signature = signature
    }

    /// At most this many answers, and photos, per visit.
    public static let maxAnswers = 500
    /// At most this many photos per visit.
    public static let maxPhotos = 50

    public func validate() -> [FieldIssue] {
        var c = IssueCollector()
        c.text("author", author, max: 40)
        if endedAt < startedAt { c.add("endedAt", "before-start", "ends \(endedAt), before it starts \(startedAt)") }
        if region.level != .village { c.add("region", "not-a-village", "a visit happens in a village, got \(region)") }
        if answers.count > Self.maxAnswers { c.add("answers", "too-many", "\(answers.count) answers; at most \(Self.maxAnswers)") }
        for key in answers.keys where key.isEmpty || key.count > 80 {
            c.add("answers", "bad-key", "answer keys are 1–80 characters")
        }
        if photos.count > Self.maxPhotos { c.add("photos", "too-many", "\(photos.count) photos; at most \(Self.maxPhotos)") }
        if Set(photos).count != photos.count { c.add("photos", "duplicate", "lists the same photo twice") }
        if supersedes == id { c.add("supersedes", "self", "a visit cannot supersede itself") }
        if let location { c.add(contentsOf: location.validate(field: "location")) }
        return c.issues
    }
}
