import FieldRollCore
import Foundation
import Testing

/// Visits, check-ins, photos and review actions are read through one protocol on both ends.
@Suite("Immutable records share one protocol")
struct ImmutableRecordTests {
    @Test("exactly the immutable kinds have a record type, and each type travels as its kind")
    func kinds() {
        for kind in EntityKind.allCases {
            #expect((kind.immutableType != nil) == (kind.schema == nil), "\(kind)")
            if let type = kind.immutableType { #expect(type.kind == kind) }
        }
    }

    @Test("a visit's body reads back as the visit: id, region, signer and the photos it refers to")
    func visit() throws {
        let set = try WireFormatTests.sampleChangeSet()
        let change = try #require(set.changes.first { $0.entity == .visit })
        guard case .body(let body) = change.payload else {
            Issue.record("a visit travels as a body")
            return
        }
        let record = try body.immutableRecord(of: .visit)
        let visit = try body.decode(as: Visit.self)
        #expect(record.recordID == change.record && record.region == change.region)
        #expect(record.signingDevice == visit.device)
        #expect(record.blobReferences == visit.photos && !visit.photos.isEmpty)
        #expect(throws: ValidationError.self) { try body.immutableRecord(of: .household) }
    }

    @Test("a photo refers to its own bytes and is covered by its change set's signature alone")
    func photo() throws {
        let digest = SHA256Digest(of: Data("bytes".utf8))
        let photo = Photo(
            sha256: digest, size: 5, kind: .house, householdID: HouseholdID(), region: try RegionCode("139901002201"),
            takenAt: Instant(millis: 0))
        let record = try JSONValue(encoding: photo).immutableRecord(of: .photo)
        #expect(record.blobReferences == [digest] && record.signingDevice == nil)
        #expect(record.recordID == photo.id.description)
    }
}
