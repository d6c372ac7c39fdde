import FieldRollCore
import Foundation

extension SyncPipeline {
    // MARK: Place names

    /// The place names the server knows (``PlaceNames``), for pages, the notice and exports.
    ///
    /// Cheap enough for every console page: the names are read from storage once and reused
    /// while the server's head has not moved (``readModel(_:_:)``); an import moves it (its audit
    /// entry), so every process, a city's servers on one PostgreSQL included, sees it at once.
    /// Nothing imported: an empty ``PlaceNames``, whose labels are the codes.
    /// - Throws: ``StorageError`` when the database fails.
    public func placeNames() async throws -> PlaceNames {
        // An import writes its audit entry in the same transaction, so the head moves with it:
        // every process (and every read model that shows names) sees the new names at once.
        try await readModel("place-names") { PlaceNames(try await timed("place-names") { try await storage.placeNames() }) }
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
        return rows.count
    }
}
