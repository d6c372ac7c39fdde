import FieldRollCore

/// One administrative division as the national division list names it: its 12-digit code, its
/// name (`柳河乡`, `上河村`) and its level.
///
/// The server keeps the names an office imported (`fieldroll-server regions import`,
/// ``SyncPipeline/importPlaceNames(_:as:now:)``) and shows them wherever a person reads a
/// place: the console's pages, the public notice, the CSV exports. Codes stay the key; a name
/// is only how a code reads. JSON spells the level as its English name (`"county"`).
///
/// ```swift
/// let village = PlaceName(code: try RegionCode("139901002201"), name: "上河村", level: .village)
/// ```
public struct PlaceName: Sendable, Hashable, Codable {
    /// The division's code.
    public var code: RegionCode
    /// Its name as the list gives it, without the names of the divisions above it.
    public var name: String
    /// Province, city, county, township or village. As imported it always agrees with the
    /// code's own trailing zero groups (``RegionCode/level``).
    public var level: RegionCode.Level

    /// A name for `code`; `level` defaults to the code's own.
    public init(code: RegionCode, name: String, level: RegionCode.Level? = nil) {
        self.code = code
        self.name = name
        self.level = level ?? code.level
    }

    enum CodingKeys: String, CodingKey { case code, name, level }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(RegionCode.self, forKey: .code)
        name = try c.decode(String.self, forKey: .name)
        let text = try c.decode(String.self, forKey: .level)
        guard let level = RegionCode.Level(englishName: text) else {
            throw DecodingError.dataCorruptedError(
                forKey: .level, in: c, debugDescription: "level must be province, city, county, township or village")
        }
        self.level = level
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(name, forKey: .name)
        try c.encode(level.englishName, forKey: .level)
    }
}
