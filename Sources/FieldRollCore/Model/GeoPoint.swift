/// A GPS fix: WGS-84 degrees and the receiver's accuracy estimate in metres.
public struct GeoPoint: Hashable, Codable, Sendable {
    /// Latitude in degrees, -90 to 90.
    public var latitude: Double
    /// Longitude in degrees, -180 to 180.
    public var longitude: Double
    /// The receiver's accuracy estimate in metres; nil when it gave none.
    public var accuracy: Double?

    /// Makes a fix from WGS-84 degrees and an optional accuracy in metres.
    public init(latitude: Double, longitude: Double, accuracy: Double? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.accuracy = accuracy
    }

    func validate(field: String) -> [FieldIssue] {
        var c = IssueCollector(prefix: field + ".")
        if !(latitude.isFinite && (-90...90).contains(latitude)) { c.add("latitude", "out-of-range", "must be between -90 and 90") }
        if !(longitude.isFinite && (-180...180).contains(longitude)) { c.add("longitude", "out-of-range", "must be between -180 and 180") }
        if let a = accuracy, !(a.isFinite && a >= 0) { c.add("accuracy", "out-of-range", "must be zero or more metres") }
        return c.issues
    }
}
