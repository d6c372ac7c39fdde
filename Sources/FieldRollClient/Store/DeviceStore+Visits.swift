import FieldRollCore
import Foundation
import GRDB

/// A photo to attach: the image bytes and what they show.
public struct PhotoInput: Sendable {
    /// The image's bytes, as the camera gave them.
    public var data: Data
    /// What the photo shows (the house, an ID document, a survey sheet).
    public var kind: PhotoKind
    /// The image's media type; nil: worked out from the bytes.
    public var mediaType: String

    /// A photo to attach to a visit.
    public init(data: Data, kind: PhotoKind, mediaType: String = "image/jpeg") {
        self.data = data
        self.kind = kind
        self.mediaType = mediaType
    }

    /// Reads a photo file; a missing or empty file is `not-found`.
    public init(file: URL, kind: PhotoKind) throws {
        guard let data = try? Data(contentsOf: file), !data.isEmpty else {
            throw ClientError(.notFound, "cannot read the photo \(file.path)")
        }
        let ext = file.pathExtension.lowercased()
        self.init(data: data, kind: kind, mediaType: ext == "png" ? "image/png" : ext == "webp" ? "image/webp" : "image/jpeg")
    }
}

extension DeviceStore {
    /// Records a visit with its photos as one signed change set: the photos are copied into the
    /// encrypted photo store, the visit names their hashes and is signed by this device.
    public func recordVisit(
        household: HouseholdID, author: String, startedAt: Instant, endedAt: Instant, location: GeoPoint? = nil,
        answers: [String: JSONValue], photos: [PhotoInput] = [], supersedes: VisitID? = nil
    ) throws -> Visit {
        let region = try householdRegion(household)
        let at = Instant(millis: now())
        let stored = try photos.map { input -> Photo in
            try checkPhoto(input)
            let d = try self.photos.put(input.data)
            return Photo(
                sha256: d, size: Int64(input.data.count), mediaType: input.mediaType, kind: input.kind, householdID: household,
                region: region, takenAt: at)
        }
        var visit = Visit(
            householdID: household, region: region, author: author, device: deviceID, startedAt: startedAt, endedAt: endedAt,
            location: location,
            answers: answers, photos: stored.map(\.sha256), supersedes: supersedes)
        for i in visit.photos.indices.reversed() where visit.photos[..<i].contains(visit.photos[i]) { visit.photos.remove(at: i) }
        try visit.validated()
        visit = try visit.signed(with: signingKey)
        let signedVisit = visit
        let photoRecords = stored.map { p -> Photo in
            var p = p
            p.visitID = signedVisit.id
            return p
        }
        return try commit { tx in
            for p in photoRecords {
                try Self.notePhoto(tx.db, p)
                try tx.insert(
                    .photo, id: p.id.description, region: region, household: household.description, member: nil, at: p.takenAt.millis,
                    body: try JSONValue(encoding: p))
            }
            try tx.insert(
                .visit, id: signedVisit.id.description, region: region, household: household.description, member: nil,
                at: signedVisit.startedAt.millis, body: try JSONValue(encoding: signedVisit))
            return signedVisit
        }
    }

    /// Attaches a photo to a household (and optionally a visit) on its own.
    public func attachPhoto(_ input: PhotoInput, household: HouseholdID, visit: VisitID? = nil) throws -> Photo {
        let region = try householdRegion(household)
        try checkPhoto(input)
        let d = try photos.put(input.data)
        let photo = Photo(
            sha256: d, size: Int64(input.data.count), mediaType: input.mediaType, kind: input.kind, householdID: household, region: region,
            visitID: visit, takenAt: Instant(millis: now()))
        return try commit { tx in
            try Self.notePhoto(tx.db, photo)
            try tx.insert(
                .photo, id: photo.id.description, region: region, household: household.description, member: nil, at: photo.takenAt.millis,
                body: try JSONValue(encoding: photo))
            return photo
        }
    }

    /// Records a recipient's check-in, signed by this device. A remote face-match needs its
    /// score (per mille) and the face photo.
    /// - Throws: `not-found` for a member this device does not hold (or one removed);
    ///   `invalid-record` for a check-in that does not validate; `scope-violation` for a member
    ///   outside the device's scope; `not-enrolled` when the member's household is neither
    ///   enrolled nor suspended on the roll this device last pulled. Nothing is recorded then.
    public func recordCheckIn(
        member: MemberID, method: CheckInMethod, place: String, matchScore: Int? = nil, photo: PhotoInput? = nil, at: Instant? = nil
    ) throws -> CheckIn {
        let (household, region) = try read { db -> (String, RegionCode) in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT household_id, region, state FROM records WHERE entity = 'member' AND id = ?",
                    arguments: [member.description]),
                try !RecordCodec.decodeState(row["state"], entity: .member, vault: vault).isDeleted
            else {
                throw ClientError.notFound("member \(member)")
            }
            return (row["household_id"], try RegionCode(row["region"] as String))
        }
        let householdID = try HouseholdID(household)
        // Validate before the roll is consulted: a malformed check-in is invalid wherever it is.
        try CheckIn(
            memberID: member, householdID: householdID, region: region, at: at ?? Instant(millis: now()), place: place, method: method,
            matchScore: matchScore, photo: photo.map { SHA256Digest(of: $0.data) }, device: deviceID
        ).validated()
        let scope = try enrolment()?.scope
        if let refusal = try read({ db in try checkInRefusal(member: member, household: householdID, region: region, scope: scope, db: db) }
        ) {
            throw refusal
        }
        var facePhoto: Photo?
        if let photo {
            try checkPhoto(photo)
            let d = try photos.put(photo.data)
            facePhoto = Photo(
                sha256: d, size: Int64(photo.data.count), mediaType: photo.mediaType, kind: .face, householdID: householdID, region: region,
                takenAt: at ?? Instant(millis: now()))
        }
        let face = facePhoto
        var checkIn = CheckIn(
            memberID: member, householdID: householdID, region: region, at: at ?? Instant(millis: now()), place: place, method: method,
            matchScore: matchScore, photo: face?.sha256, device: deviceID)
        try checkIn.validated()
        checkIn = try checkIn.signed(with: signingKey)
        let signed = checkIn
        return try commit { tx in
            if let face {
                try Self.notePhoto(tx.db, face)
                try tx.insert(
                    .photo, id: face.id.description, region: region, household: household, member: member.description,
                    at: face.takenAt.millis, body: try JSONValue(encoding: face))
            }
            try tx.insert(
                .checkIn, id: signed.id.description, region: region, household: household, member: member.description, at: signed.at.millis,
                body: try JSONValue(encoding: signed))
            return signed
        }
    }

    /// The bytes of a stored photo (decrypted).
    public func photoData(_ digest: SHA256Digest) throws -> Data { try photos.get(digest) }

    /// ``photoData(_:)`` for async callers (the sync engine): the file is read and decrypted
    /// off the cooperative pool.
    func photoDataAsync(_ digest: SHA256Digest) async throws -> Data { try await photos.getAsync(digest) }

    func householdRegion(_ id: HouseholdID) throws -> RegionCode {
        try read { db in
            guard
                let region = try String.fetchOne(
                    db, sql: "SELECT region FROM records WHERE entity = 'household' AND id = ?", arguments: [id.description])
            else {
                throw ClientError.notFound("household \(id)")
            }
            return try RegionCode(region)
        }
    }

    func checkPhoto(_ input: PhotoInput) throws {
        guard Int64(input.data.count) <= Photo.maxSize else {
            throw ValidationError([
                FieldIssue(field: "photo", reason: "too-large", message: "a photo may be at most \(Photo.maxSize / 1024 / 1024) MiB")
            ])
        }
        // JPEG, PNG and WebP signatures: a wrong file (a PDF, a text) is caught on the device.
        let head = [UInt8](input.data.prefix(12))
        let jpeg = head.starts(with: [0xFF, 0xD8, 0xFF])
        let png = head.starts(with: [0x89, 0x50, 0x4E, 0x47])
        let webp = head.count == 12 && head[0..<4].elementsEqual(Array("RIFF".utf8)) && head[8..<12].elementsEqual(Array("WEBP".utf8))
        guard jpeg || png || webp else {
            throw ValidationError([FieldIssue(field: "photo", reason: "not-an-image", message: "is not a JPEG, PNG or WebP image")])
        }
    }

    static func notePhoto(_ db: Database, _ p: Photo) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO photos (sha256, size, media_type, created_at) VALUES (?, ?, ?, ?)",
            arguments: [p.sha256.hex, p.size, p.mediaType, p.takenAt.millis])
    }
}
