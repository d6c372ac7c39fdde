/// A photo's record: its content address, size and what it shows. The bytes travel separately
/// as a blob under the same SHA-256, so the same image is stored and sent once.
public struct Photo: Codable, Sendable, Hashable {
    /// The photo's id.
    public var id: Identifier<Photo>
    /// The SHA-256 of the image bytes: the blob's content address.
    public var sha256: SHA256Digest
    /// Size of the image bytes (before encryption on the device).
    public var size: Int64
    /// The image's media type, one of ``mediaTypes``.
    public var mediaType: String
    /// What the photo shows.
    public var kind: PhotoKind
    /// The household the photo belongs to.
    public var householdID: HouseholdID
    public var region: RegionCode
    /// The visit or check-in the photo belongs to, if any.
    public var visitID: VisitID?
    /// When the photo was taken.
    public var takenAt: Instant

    /// Makes a photo record; a new random id and `image/jpeg` by default.
    public init(
        id: Identifier<Photo> = Identifier<Photo>(), sha256: SHA256Digest, size: Int64, mediaType: String = "image/jpeg",
        kind: PhotoKind, householdID: HouseholdID, region: RegionCode, visitID: VisitID? = nil, takenAt: Instant
    ) {
        self.id = id
        self.sha256 = sha256
        self.size = size
        self.mediaType = mediaType
        self.kind = kind
        self.householdID = householdID
        self.region = region
        self.visitID = visitID
        self.takenAt = takenAt
    }

    /// The largest photo accepted: 20 MiB.
    public static let maxSize: Int64 = 20 * 1024 * 1024
    /// The media types accepted: JPEG, PNG and WebP.
    public static let mediaTypes: Set<String> = ["image/jpeg", "image/png", "image/webp"]

    public func validate() -> [FieldIssue] {
        var c = IssueCollector()
        if size <= 0 || size > Self.maxSize {
            c.add("size", "out-of-range", "must be 1 byte to \(Self.maxSize / 1024 / 1024) MiB, got \(size)")
        }
        if !Self.mediaTypes.contains(mediaType) {
            c.add("mediaType", "not-a-choice", "must be one of \(Self.mediaTypes.sorted().joined(separator: ", "))")
        }
        return c.issues
    }
}
