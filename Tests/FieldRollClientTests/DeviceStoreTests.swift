@preconcurrency import Crypto
import FieldRollClient
import FieldRollCore
import Foundation
import GRDB
import Testing

@Suite("A day's work offline")
struct DeviceStoreTests {
    @Test("a household takes one person once and one head: a repeated resident ID or a second head is refused, nothing written")
    func onePersonOnce() throws {
        let dir = temporaryFolder()
        defer { cleanup(dir) }
        let store = try newStore(dir)
        let h = try store.addHousehold(sampleHousehold())
        _ = try store.addMember(sampleMember(h.id))
        let outbox = try store.outbox().count
        let again = #expect(throws: ClientError.self) { try store.addMember(sampleMember(h.id, relation: .spouse)) }
        #expect(again?.code == .invalidRecord && again?.message.contains("already a member") == true)
        let secondHead = #expect(throws: ClientError.self) { try store.addMember(sampleMember(h.id, id: "110105195203050039")) }
        #expect(secondHead?.code == .invalidRecord && secondHead?.message.contains("head already") == true)
        #expect(try store.outbox().count == outbox, "a refused member writes nothing")
        // The same person in another household is the server's to flag, not the device's to refuse.
        let other = try store.addHousehold(sampleHousehold())
        _ = try store.addMember(sampleMember(other.id))
        _ = try store.addMember(sampleMember(h.id, id: "110105195203050039", relation: .spouse))
    }

    @Test("households, members, a visit with photos and a check-in land in the store and a signed outbox")
    func day() throws {
        let dir = temporaryFolder()
        defer { cleanup(dir) }
        let store = try newStore(dir)
        let h = try store.addHousehold(sampleHousehold())
        let head = try store.addMember(sampleMember(h.id))
        let visit = try store.recordVisit(
            household: h.id, author: "李敏", startedAt: Instant(millis: 1_795_000_000_000), endedAt: Instant(millis: 1_795_000_900_000),
            location: GeoPoint(latitude: 38.04, longitude: 114.51, accuracy: 8),
            answers: ["income.wages": 120_000, "housing.condition": "漏雨"],
            photos: [
                PhotoInput(data: housePhoto, kind: .house), PhotoInput(data: sheetPhoto, kind: .surveySheet),
                PhotoInput(data: housePhoto, kind: .house),
            ])
        #expect(visit.photos.count == 2, "the same image twice is one photo")
        try visit.verifySignature(with: store.publicKey)
        try pullEnrolment(store, household: h.id)
        let checkIn = try store.recordCheckIn(member: head.id, method: .kiosk, place: "城关镇便民服务大厅")
        try checkIn.verifySignature(with: store.publicKey)

        let detail = try store.household(h.id)
        #expect(detail.household == h && detail.members == [head] && detail.visits == [visit] && detail.checkIns == [checkIn])
        #expect(detail.photos.count == 3 && Set(detail.photos.map(\.sha256)).count == 2)
        #expect(try store.photoData(SHA256Digest(of: housePhoto)) == housePhoto)

        let outbox = try store.outbox()
        #expect(outbox.map { $0.changeSet.changes.count } == [1, 1, 4, 1])
        for entry in outbox {
            try entry.changeSet.verifySignature(with: store.publicKey)
            #expect(entry.changeSet.origin == store.deviceID)
        }
        let pending = try store.pending()
        #expect(pending.changeSets == 4 && pending.changes == 7 && pending.photosNotUploaded == 2)
        #expect(pending.photoBytesNotUploaded == Int64(housePhoto.count + sheetPhoto.count))
        #expect(try store.households(in: village) == [h])
        #expect(try store.households(in: RegionCode("139901003201")).isEmpty)
    }

    @Test("an edit writes only the named fields, based on the stamp this device last saw")
    func edits() throws {
        let dir = temporaryFolder()
        defer { cleanup(dir) }
        let store = try newStore(dir)
        let h = try store.addHousehold(sampleHousehold())
        let edited = try store.editHousehold(h.id, set: ["phone": "13900000000", "notes": "屋顶漏雨"])
        #expect(edited.phone?.rawValue == "13900000000" && edited.address == h.address)
        let sets = try store.outbox()
        guard case .writes(let created) = sets[0].changeSet.changes[0].payload,
            case .writes(let edit) = sets[1].changeSet.changes[0].payload
        else {
            Issue.record("writes expected")
            return
        }
        #expect(edit.map(\.field) == ["notes", "phone"])
        #expect(edit.first { $0.field == "phone" }?.base == created.first { $0.field == "phone" }?.stamp)
        #expect(edit.first { $0.field == "notes" }?.base == nil)
        #expect(edit.allSatisfy { w in created.allSatisfy { $0.stamp < w.stamp } })
        // Clearing an optional field is a write of null.
        #expect(try store.editHousehold(h.id, set: ["phone": .null]).phone == nil)
    }

    @Test(
        "bad input is refused with its code and changes nothing",
        arguments: [
            "unknown household", "bad resident ID", "unknown field", "server-owned field", "not a photo", "bad check-in",
        ])
    func badInput(_ what: String) throws {
        let dir = temporaryFolder()
        defer { cleanup(dir) }
        let store = try newStore(dir)
        let h = try store.addHousehold(sampleHousehold())
        let member = try store.addMember(sampleMember(h.id))
        let before = try store.pending()
        let expected: ErrorCode
        do {
            switch what {
            case "unknown household":
                expected = .notFound
                _ = try store.addMember(sampleMember(HouseholdID()))
            case "bad resident ID":
                expected = .invalidRecord
                _ = try store.editMember(member.id, set: ["residentID": "110105194912310021"])
            case "unknown field":
                expected = .unknownField
                _ = try store.editHousehold(h.id, set: ["colour": "red"])
            case "server-owned field":
                expected = .serverOwnedField
                _ = try store.editHousehold(h.id, set: ["crossCheck": "ok"])
            case "not a photo":
                expected = .invalidRecord
                _ = try store.attachPhoto(PhotoInput(data: Data("%PDF-1.4".utf8), kind: .house), household: h.id)
            default:
                expected = .invalidRecord
                _ = try store.recordCheckIn(member: member.id, method: .remoteFaceMatch, place: "home")
            }
            Issue.record("\(what) was accepted")
        } catch let error as any FieldRollError {
            #expect(error.code == expected)
        }
        #expect(try store.pending() == before)
        #expect(try store.household(h.id).members == [member])
    }

    @Test("a pulled member and visit that name their household in upper case are found under it")
    func upperCaseReferences() throws {
        let dir = temporaryFolder()
        defer { cleanup(dir) }
        let store = try newStore(dir)
        let h = try store.addHousehold(sampleHousehold())
        let other = try NodeID("other-device")
        let stamp = HLCTimestamp(physical: 1_790_000_000_000, logical: 0, node: other)
        let upper = JSONValue.string(h.id.description.uppercased())
        // An older server passed the reference on as sent; a visit's body always is.
        let member = sampleMember(h.id)
        var values = try member.fieldValues
        values["householdID"] = upper
        let writes = values.sorted { $0.key < $1.key }.map { FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: nil) }
        let visit = Visit(
            householdID: h.id, region: village, author: "王强", device: other, startedAt: Instant(millis: 0), endedAt: Instant(millis: 1),
            answers: ["income.wages": 90_000])
        var body = try #require(try JSONValue(encoding: visit).objectValue)
        body["householdID"] = upper
        let pulled = [
            PulledChange(
                position: 1, origin: other, changeSet: ChangeSetID(),
                change: Change(entity: .member, record: member.id.description, region: village, payload: .writes(writes))),
            PulledChange(
                position: 2, origin: other, changeSet: ChangeSetID(),
                change: Change(entity: .visit, record: visit.id.description, region: village, payload: .body(.object(body)))),
        ]
        try store.apply(pulled: pulled, cursor: SyncCursor(issuer: try NodeID("server-1"), position: 2))
        let detail = try store.household(h.id)
        #expect(detail.members.map(\.id) == [member.id])
        #expect(detail.visits.map(\.id) == [visit.id])
    }
}

@Suite("Encryption at rest")
struct EncryptionTests {
    /// Every byte the store keeps on disk.
    func diskBytes(_ dir: URL) throws -> Data {
        var all = Data()
        let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
        while let url = e?.nextObject() as? URL {
            if let d = try? Data(contentsOf: url) { all.append(d) }
        }
        return all
    }

    @Test("resident IDs, phones, answers and photos never reach the disk in the clear")
    func ciphertext() throws {
        let dir = temporaryFolder()
        defer { cleanup(dir) }
        let store = try newStore(dir)
        let h = try store.addHousehold(sampleHousehold("13812345678"))
        _ = try store.addMember(sampleMember(h.id))
        _ = try store.recordVisit(
            household: h.id, author: "李敏", startedAt: Instant(millis: 0), endedAt: Instant(millis: 1), answers: ["secret.answer": "存款约五千元"],
            photos: [PhotoInput(data: sheetPhoto, kind: .surveySheet)])
        let bytes = try diskBytes(dir)
        for secret in ["13812345678", "11010519491231002X", "存款约五千元"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) is on disk in the clear")
        }
        #expect(bytes.range(of: sheetPhoto.prefix(64)) == nil, "the photo is on disk in the clear")
        // Non-sensitive fields stay queryable without the key.
        #expect(bytes.range(of: Data("上河村3组12号".utf8)) != nil)
    }

    @Test("a wrong passphrase or key file is refused with wrong-key, never garbage")
    func wrongKey() throws {
        let dir = temporaryFolder()
        defer { cleanup(dir) }
        _ = try newStore(dir)
        #expect(throws: ClientError.self) { try DeviceStore.open(at: dir, credential: .passphrase("not the passphrase")) }
        do { _ = try DeviceStore.open(at: dir, credential: .passphrase("not the passphrase")) } catch let e as ClientError {
            #expect(e.code == .wrongKey)
        }
        #expect(try DeviceStore.open(at: dir, credential: passphrase).households(in: village).isEmpty)

        let kiosk = temporaryFolder("kiosk")
        defer { cleanup(kiosk) }
        let keyFile = kiosk.appendingPathExtension("key")
        let otherKey = kiosk.appendingPathExtension("other")
        defer {
            cleanup(keyFile)
            cleanup(otherKey)
        }
        try Vault.makeKeyFile(at: keyFile)
        try Vault.makeKeyFile(at: otherKey)
        let k = try DeviceStore.create(at: kiosk, credential: .keyFile(keyFile), name: "城关镇大厅")
        _ = try k.addHousehold(sampleHousehold())
        #expect(try DeviceStore.open(at: kiosk, credential: .keyFile(keyFile)).households(in: village).count == 1)
        do {
            _ = try DeviceStore.open(at: kiosk, credential: .keyFile(otherKey))
            Issue.record("a foreign key file opened the store")
        } catch let e as ClientError { #expect(e.code == .wrongKey) }
        do {
            _ = try DeviceStore.open(at: kiosk, credential: .passphrase("correct horse battery"))
            Issue.record("a passphrase opened a key-file store")
        } catch let e as ClientError { #expect(e.code == .wrongKey) }
    }
}
