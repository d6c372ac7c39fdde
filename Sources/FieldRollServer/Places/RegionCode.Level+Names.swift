import FieldRollCore
import Foundation

extension RegionCode.Level {
    /// Every level, province first.
    public static let all: [RegionCode.Level] = [.province, .city, .county, .township, .village]

    /// `province`, `city`, `county`, `township` or `village`: how storage and JSON spell it.
    public var englishName: String {
        switch self {
        case .province: "province"
        case .city: "city"
        case .county: "county"
        case .township: "township"
        case .village: "village"
        }
    }

    /// The level spelt `name` (``englishName``), or nil.
    public init?(englishName name: String) {
        guard let level = Self.all.first(where: { $0.englishName == name }) else { return nil }
        self = level
    }

    /// The level a division list's level column gives: the English name (any case), the
    /// Chinese one (`省`, `市`, `县`, `乡`, `村`, and the usual longer forms such as `县级`,
    /// `乡镇`, `街道`, `社区`), or its number from 1 (province) to 5 (village). Nil for anything else.
    public init?(listValue text: String) {
        let key = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let level = Self.listValues[key] else { return nil }
        self = level
    }

    /// What ``init(listValue:)`` accepts, for messages.
    public static let listChoices = "province, city, county, township, village, 省, 市, 县, 乡, 村 or 1–5"

    static let listValues: [String: RegionCode.Level] = {
        var out: [String: RegionCode.Level] = [:]
        let spellings: [(RegionCode.Level, [String])] = [
            (.province, ["province", "省", "省级", "1"]),
            (.city, ["city", "市", "地级", "地市", "市级", "2"]),
            (.county, ["county", "县", "县级", "区县", "3"]),
            (.township, ["township", "乡", "乡级", "镇", "乡镇", "街道", "乡镇街道", "4"]),
            (.village, ["village", "村", "村级", "社区", "村居", "居委会", "村委会", "5"]),
        ]
        for (level, names) in spellings { for name in names { out[name] = level } }
        return out
    }()
}
