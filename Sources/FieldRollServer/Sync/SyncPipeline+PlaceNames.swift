import FieldRollCore
import Foundation

extension SyncPipeline {
    // MARK: Place names

    /// The place names the server knows (``PlaceNames``), for pages, the notice and exports.
    ///
    /// Cheap enough for every console page: the names are read from storage once and kept in
    /// memory until this process imports names (``importPlaceNames(_:as:now:)``), or for a
    /// minute, so an import by another server process on the same PostgreSQL shows within one.
    /// Nothing imported: an empty ``PlaceNames``, whose labels are the codes.
    /// - Throws: ``StorageError`` when the database fails.
    public func placeNames() async throws -> PlaceNames {
        let cache = placeNameCache
        let (kept, generation) = cache.lookup()
        if let kept { return kept }
        let readAt = ContinuousClock.now
        let names = PlaceNames(try await timed("place-names") { try await storage.placeNames() })
        cache.keep(names, readAt: readAt, generation: generation)
        return names
    }

    /// Imports place names from the national division list (``PlaceNameCSV``): each code's name
    /// and level is inserted, or replaces the one stored (a renamed township), in one
    /// transaction with its audit entry, `regions.imported`. Names are never deleted.
    ///
    /// Allowed to admins (``OfficeOperation/importRegions``), and only for codes inside their
    /// region; an operator at the server's command line names the whole country.
    ///
    /// ```swift
    /// let (names, _) = try PlaceNameCSV.read(contentsOfFile: "regions.csv")
    /// let written = try await pipeline.importPlaceNames(names, as: .operator("王科长"), now: now)
    /// ```
    /// - Returns: how many names were written (the codes given, each once).
    /// - Throws: ``ProblemDetails`` `forbidden` for a role other than admin, `scope-violation`
    ///   when a code lies outside the principal's region, `invalid-record` for an empty or
    ///   unprintable name, a level that does not fit its code, or one code given two names.
    ///   Nothing is written then.
    @discardableResult
    public func importPlaceNames(_ names: [PlaceName], as principal: Principal, now: Int64) async throws -> Int {
        try principal.authorize(.importRegions)
        let outside = names.map(\.code).filter { !principal.covers($0) }
        if !outside.isEmpty {
            let shown = outside.prefix(5).map(\.digits).joined(separator: ", ")
            throw ProblemDetails(
                .scopeViolation,
                detail: "\(shown)\(outside.count > 5 ? " and \(outside.count - 5) more" : "") lie\(outside.count == 1 ? "s" : "") "
                    + "outside \(principal.scope?.digits ?? ""); nothing imported")
        }
        var unique: [RegionCode: PlaceName] = [:]
        for place in names {
            let name = place.name
            if name.isEmpty || name != name.trimmingCharacters(in: .whitespacesAndNewlines) {
                throw ProblemDetails(.invalidRecord, detail: "\(place.code): a name must not be empty nor start or end with a space")
            }
            if let why = PlaceNameCSV.badName(name) { throw ProblemDetails(.invalidRecord, detail: "\(place.code): the name \(why)") }
            if place.level != place.code.level {
                throw ProblemDetails(
                    .invalidRecord,
                    detail: "\(place.code) is a \(place.code.level.englishName) code, not a \(place.level.englishName)")
            }
            if let earlier = unique[place.code], earlier.name != name {
                throw ProblemDetails(.invalidRecord, detail: "\(place.code) is given two names, \(earlier.name) and \(name)")
            }
            unique[place.code] = place
        }
        guard !unique.isEmpty else { return 0 }
        let rows = unique.values.sorted { $0.code < $1.code }
        let node = serverNode
        let actor = principal.actor
        let levels = RegionCode.Level.all.compactMap { level -> String? in
            let n = rows.count(where: { $0.level == level })
            return n == 0 ? nil : "\(n) \(level.englishName)"
        }
        let subject = principal.scope.map { "region/\($0)" } ?? "regions"
        try await timed("import-place-names") {
            try await storage.write(reading: ReadRequest()) { snapshot in
                var batch = WriteBatch(snapshot: snapshot, node: node, now: now)
                batch.put(rows)
                batch.audit(
                    actor: actor, action: "regions.imported", subject: subject,
                    detail: "\(rows.count) place name\(rows.count == 1 ? "" : "s") (\(levels.joined(separator: ", ")))")
                return (batch.finish(), ())
            }
        }
        placeNameCache.drop()
        return rows.count
    }
}
