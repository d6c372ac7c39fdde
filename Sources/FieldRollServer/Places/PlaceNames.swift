import FieldRollCore

/// The place names the server knows, looked up by code: what pages and exports print instead
/// of bare 12-digit codes.
///
/// A value (cheap to copy, safe to share): ``SyncPipeline/placeNames()`` hands out the one the
/// server keeps in memory. A code without a name reads as its 12 digits, so a page never shows
/// a blank where a place should be.
///
/// ```swift
/// let names = try await pipeline.placeNames()
/// names.label(village)                        // "上河村"
/// names.path(village)                         // "示范县 柳河乡 上河村"
/// names.path(village, below: county)          // "柳河乡 上河村"
/// ```
public struct PlaceNames: Sendable {
    private let byCode: [RegionCode: PlaceName]
    private let byName: [String: [RegionCode]]

    /// The names given; when a code comes twice, the last wins.
    public init(_ names: [PlaceName]) {
        byCode = Dictionary(names.map { ($0.code, $0) }, uniquingKeysWith: { _, last in last })
        byName = Dictionary(grouping: byCode.values, by: \.name).mapValues { $0.map(\.code).sorted() }
    }

    /// How many codes have a name.
    public var count: Int { byCode.count }

    /// Whether no code has a name (nothing imported yet).
    public var isEmpty: Bool { byCode.isEmpty }

    /// Every name, by code.
    public var all: [PlaceName] { byCode.values.sorted { $0.code < $1.code } }

    /// The name of exactly this code, or nil when none was imported.
    public func name(of code: RegionCode) -> String? { byCode[code]?.name }

    /// The entry of exactly this code (name and level), or nil.
    public func place(_ code: RegionCode) -> PlaceName? { byCode[code] }

    /// The code's name, else its 12 digits.
    public func label(_ code: RegionCode) -> String { byCode[code]?.name ?? code.digits }

    /// The names from just below `top` down to the code itself, joined by a space:
    /// `柳河乡 上河村` for a village below its county.
    ///
    /// The code's own part is its ``label(_:)`` (its digits when it has no name); a division
    /// above it without a name is left out rather than shown as digits, since a list often
    /// lacks the province and city rows. `top` is exclusive: the path of a code below its own
    /// county leaves the county out. When `top` is nil, or does not contain the code, the path
    /// starts at the province.
    public func path(_ code: RegionCode, below top: RegionCode? = nil) -> String {
        let top = top.flatMap { $0.contains(code) ? $0 : nil }
        var parts: [String] = []
        var seen: Set<RegionCode> = []
        for level in RegionCode.Level.all where level < code.level {
            let ancestor = code.ancestor(at: level)
            // A code whose digits skip a level (a township directly under a city) has the same
            // ancestor at two levels: it is named once.
            guard seen.insert(ancestor).inserted else { continue }
            if let top, ancestor.contains(top) { continue }
            if let name = byCode[ancestor]?.name { parts.append(name) }
        }
        parts.append(label(code))
        return parts.joined(separator: " ")
    }

    /// The codes a person means by `text`, by code: those named exactly so (`上河村`), or, for a
    /// path such as ``path(_:below:)`` writes (`柳河乡 上河村`), those whose name is its last part
    /// and whose divisions above carry its other parts. Many villages share a name across a
    /// country: filter by scope.
    public func codes(named text: String) -> [RegionCode] {
        let parts = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard let last = parts.last, let candidates = byName[last] else { return [] }
        let above = parts.dropLast()
        guard !above.isEmpty else { return candidates }
        return candidates.filter { code in
            let ancestors = Set(
                RegionCode.Level.all.filter { $0 < code.level }.compactMap { byCode[code.ancestor(at: $0)]?.name })
            return above.allSatisfy { ancestors.contains($0) }
        }
    }

    /// The codes directly or indirectly inside `region` (nil: all) that have a name, by code.
    public func names(under region: RegionCode?) -> [PlaceName] {
        all.filter { region?.contains($0.code) ?? true }
    }
}
