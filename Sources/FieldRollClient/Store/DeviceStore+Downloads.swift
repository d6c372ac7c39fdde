import FieldRollCore
import Foundation
import GRDB

/// A photo that a record on this device refers to and whose bytes it does not hold.
public struct PhotoToDownload: Sendable, Hashable {
    /// The photo's content address: the SHA-256 of its bytes (what the server serves it by).
    public var sha256: SHA256Digest
    /// The size the photo record states: the download may not be longer.
    public var size: Int64
    /// `image/jpeg`, `image/png` or `image/webp`.
    public var mediaType: String
}

/// A photo record of a household and whether its bytes are on this device.
public struct HouseholdPhoto: Sendable, Codable, Hashable {
    /// The photo record (kind, hash, size, visit).
    public var photo: Photo
    /// True when the bytes are here (taken here, or downloaded): `fieldroll photo export` works.
    public var onDevice: Bool
}

extension DeviceStore {
    /// Fills `photo_refs` for photo records stored before it existed (a store made by an earlier
    /// version): once, the first time a sync asks. The records are sealed, so this cannot be a
    /// SQL migration.
    func indexPhotoRecordsAsync() async throws {
        let vault = self.vault
        _ = try await commit { tx in
            guard try Data.fetchOne(tx.db, sql: "SELECT value FROM meta WHERE key = 'photo_refs_indexed'") == nil else { return }
            for row in try Row.fetchAll(tx.db, sql: "SELECT id, region, at, body FROM bodies WHERE entity = 'photo'") {
                let body = try JSONParser.parse(try vault.open(row["body"]))
                try RecordCodec.notePhotoRecord(
                    tx.db, id: row["id"], region: try RegionCode(row["region"] as String), at: row["at"], body: body)
            }
            try tx.db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('photo_refs_indexed', ?)", arguments: [Data("1".utf8)])
        }
    }

    /// Photos that records inside `scope` refer to and whose bytes this device lacks, newest
    /// first, each once. Photos outside the scope are never listed: the device does not ask.
    package func photosToDownload(in scope: RegionCode) throws -> [PhotoToDownload] { try read(Self.lacking(scope)) }

    /// ``photosToDownload(in:)`` for async callers.
    func photosToDownloadAsync(in scope: RegionCode) async throws -> [PhotoToDownload] { try await read(Self.lacking(scope)) }

    private static func lacking(_ scope: RegionCode) -> @Sendable (Database) throws -> [PhotoToDownload] {
        let (lo, hi) = scope.codeRange
        return { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.sha256, MIN(r.size) AS size, MIN(r.media_type) AS media_type, MAX(r.at) AS at FROM photo_refs r
                    WHERE r.region BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.sha256 = r.sha256)
                    GROUP BY r.sha256 ORDER BY at DESC, r.sha256
                    """,
                arguments: [lo, hi]
            ).map { PhotoToDownload(sha256: try SHA256Digest(hex: $0["sha256"] as String), size: $0["size"], mediaType: $0["media_type"]) }
        }
    }

    /// Notes that a downloaded photo's bytes are on this device (sealed in the photo store), so it
    /// is never downloaded again, and never uploaded: the server is where it came from.
    func noteDownloadedAsync(_ p: PhotoToDownload) async throws {
        let physical = now()
        _ = try await commit { tx in
            try tx.db.execute(
                sql: "INSERT OR IGNORE INTO photos (sha256, size, media_type, uploaded, downloaded, created_at) VALUES (?, ?, ?, 1, 1, ?)",
                arguments: [p.sha256.hex, p.size, p.mediaType, physical])
        }
    }

    /// A household's photo records, oldest first, each with whether its bytes are here.
    public func householdPhotos(_ id: HouseholdID) throws -> [HouseholdPhoto] {
        let detail = try household(id)
        let here = Set(detail.photosOnDevice)
        return detail.photos.map { HouseholdPhoto(photo: $0, onDevice: here.contains($0.id)) }
    }

    /// A photo record this device holds, by id.
    public func photo(_ id: Identifier<Photo>) throws -> Photo {
        try read { db in
            guard
                let sealed = try Data.fetchOne(
                    db, sql: "SELECT body FROM bodies WHERE entity = 'photo' AND id = ?", arguments: [id.description])
            else { throw ClientError.notFound("photo \(id)") }
            return try JSONValue(parsing: vault.open(sealed)).decode(as: Photo.self)
        }
    }

    /// Decrypts a photo's bytes to `file` (mode 0600), checked against the photo's SHA-256.
    /// - Throws: `not-found` when there is no such record, or its bytes are not on this device.
    public func exportPhoto(_ id: Identifier<Photo>, to file: URL) throws -> Photo {
        let p = try photo(id)
        guard photos.has(p.sha256) else {
            throw ClientError(
                .notFound,
                "the bytes of photo \(id) are not on this device: they download with `fieldroll sync` when the office's photo policy for this device is full"
            )
        }
        let bytes = try photos.get(p.sha256)
        guard SHA256Digest(of: bytes) == p.sha256 else { throw ClientError(.hashMismatch, "the stored photo \(id) is damaged") }
        guard FileManager.default.createFile(atPath: file.path, contents: bytes, attributes: [.posixPermissions: 0o600]) else {
            throw ClientError(.storageFailure, "cannot write \(file.path)")
        }
        return p
    }
}
