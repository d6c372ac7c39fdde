/// A recipient's periodic check-in proving they still qualify: who, when, where, how.
///
/// Immutable and signed whole by the device that took it. A remote face-match carries its match
/// score (per mille, 0–1000) and the face photo's hash.
public struct CheckIn: SignedRecord, Hashable {
    /// The check-in's id.
    public var id: CheckInID
    /// The member who checked in.
    public var memberID: MemberID
    /// The member's household.
    public var householdID: HouseholdID
    public var region: RegionCode
    /// When the check-in was taken.
    public var at: Instant
    /// The service hall, or "home" for remote check-ins.
    public var place: String
    /// How the person checked in.
    public var method: CheckInMethod
    /// Face-match score per mille; required for `remote-face-match`.
    public var matchScore: Int?
    /// The SHA-256 of the face photo; required for `remote-face-match`.
    public var photo: SHA256Digest?
    /// The device that took the check-in and signed it.
    public var device: DeviceID
    public var signature: String?

    /// Makes a check-in; a new random id by default, unsigned until `signature` is set.
    public init(
        id: CheckInID = CheckInID(), memberID: MemberID, householdID: HouseholdID, region: RegionCode, at: Instant,
        place: String, method: CheckInMethod, matchScore: Int? = nil, photo: SHA256Digest? = nil, device: DeviceID,
        signature: String? = nil
    ) {
        self.id = id
        self.memberID = memberID
        self.householdID = householdID
        self.region = region
        self.at = at
        self.place = place
        self.method = method
        self.matchScore = matchScore
        self.photo = photo
        self.device = device
        self.signature = signature
    }

    public func validate() -> [FieldIssue] {
        var c = IssueCollector()
        c.text("place", place, max: 100)
        if let s = matchScore, !(0...1000).contains(s) { c.add("matchScore", "out-of-range", "must be 0–1000 per mille, got \(s)") }
        if method == .remoteFaceMatch {
            if matchScore == nil { c.add("matchScore", "required", "a remote face-match needs its score") }
            if photo == nil { c.add("photo", "required", "a remote face-match needs the face photo") }
        }
        return c.issues
    }
}
