import FieldRollClient
import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@Suite("Devices and the server converge")
struct ConvergenceTests {
    @Test(
        "random offline edits, synced in random orders, leave every replica equal; every concurrent edit is on record",
        arguments: [11, 12, 13] as [UInt64])
    func converge(seed: UInt64) async throws {
        let h = try await Harness()
        let a = try await h.device(name: "李敏")
        let b = try await h.device(name: "王强")
        let kiosk = try await h.device(.kiosk, scope: township, name: "城关镇大厅")
        defer {
            a.close()
            b.close()
            kiosk.close()
        }
        var rng = SeededRandom(seed: seed)
        // A shared household everyone knows.
        let shared = try a.store.addHousehold(
            Household(region: village, address: "上河村1组1号", headName: "赵大山", housing: .selfBuilt, declaredMonthlyIncome: .yuan(500)))
        _ = try await a.sync()
        _ = try await b.sync()
        _ = try await kiosk.sync()
        let devices = [a, b, kiosk]
        var pairs: [Set<JSONValue>] = []
        for round in 0..<6 {
            // Two devices edit the same field offline with different values: a concurrent edit.
            let field = rng.pick(["notes", "address", "declaredMonthlyIncome"])
            let (x, y) = rng.chance(0.5) ? (a, b) : (b, kiosk)
            func value(_ who: String) -> JSONValue {
                field == "declaredMonthlyIncome" ? .int(Int64(round * 1000 + (who == "x" ? 1 : 2))) : .string("\(field) \(round) \(who)")
            }
            _ = try x.store.editHousehold(shared.id, set: [field: value("x")])
            _ = try y.store.editHousehold(shared.id, set: [field: value("y")])
            pairs.append([value("x"), value("y")])
            // Other edits that do not collide: new households and members here and there.
            for d in devices where rng.chance(0.6) {
                let nh = try d.store.addHousehold(
                    Household(
                        region: village, address: "上河村\(rng.int(1...9))组\(rng.int(1...99))号", headName: "孙\(round)", housing: .owned,
                        declaredMonthlyIncome: .yuan(Int64(rng.int(0...2000)))))
                if rng.chance(0.5) { _ = try d.store.editHousehold(nh.id, set: ["notes": "first visit"]) }
            }
            // Everyone syncs, in a random order.
            for d in devices.shuffled(using: &rng) { _ = try await d.sync() }
        }
        // A last round so every device has seen everything.
        for d in devices { _ = try await d.sync() }
        let serverState = try await h.state(in: village)
        for d in devices {
            #expect(try d.state(in: village) == serverState, "device \(d.store.name) differs from the server")
            #expect(try d.store.pending().changes == 0)
        }
        // Each round's two offline edits of one field are on record as a conflict. (A device that
        // synced early in a round edits on an older base next round: also concurrent, also kept.)
        let conflicts = try await h.pipeline.conflicts(includeResolved: true, scope: nil)
        for pair in pairs { #expect(conflicts.contains { Set([$0.winner.value, $0.loser.value]) == pair }, "\(pair) is not on record") }
        #expect(
            conflicts.allSatisfy {
                $0.record == shared.id.description && $0.winner.value != $0.loser.value && $0.winner.stamp > $0.loser.stamp
            })
        await h.close()
    }

    @Test(
        "two devices push conflicting edits of the same field at the same instant, 30 times: never a lost update",
        arguments: StorageBackendKind.allCases)
    func races(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend)
        let a = try await h.device(name: "李敏")
        let b = try await h.device(name: "王强")
        defer {
            a.close()
            b.close()
        }
        let household = try a.store.addHousehold(
            Household(region: village, address: "上河村1组1号", headName: "赵大山", housing: .selfBuilt, declaredMonthlyIncome: .yuan(500)))
        _ = try await a.sync()
        _ = try await b.sync()
        for round in 0..<30 {
            _ = try a.store.editHousehold(household.id, set: ["notes": .string("A\(round)")])
            _ = try b.store.editHousehold(household.id, set: ["notes": .string("B\(round)")])
            async let ra = a.sync()
            async let rb = b.sync()
            _ = try await (ra, rb)
        }
        _ = try await a.sync()
        _ = try await b.sync()
        let conflicts = try await h.pipeline.conflicts(includeResolved: true, scope: nil)
        // A device that pulled before its rival pushed edits on an older base next round: that is
        // concurrent too and also kept, so there may be more than 30.
        #expect(conflicts.count >= 30, "every race left a conflict record")
        for round in 0..<30 {
            let pair = Set([JSONValue.string("A\(round)"), .string("B\(round)")])
            #expect(conflicts.contains { Set([$0.winner.value, $0.loser.value]) == pair }, "round \(round): the other value is on record")
        }
        let serverNotes = try await h.state(in: village)[household.id.description]?["notes"]
        #expect(try a.store.household(household.id).household.notes.map(JSONValue.string) == serverNotes)
        #expect(try b.store.household(household.id).household.notes.map(JSONValue.string) == serverNotes)
        // The kept value is the one with the greater stamp: the last round's winner.
        let last = try #require(conflicts.first { Set([$0.winner.value, $0.loser.value]) == Set([.string("A29"), .string("B29")]) })
        #expect(last.winner.value == serverNotes && last.winner.stamp > last.loser.stamp)
        await h.close()
    }

    @Test(
        "a caseworker of one village never receives another village's households, photos or conflicts",
        arguments: StorageBackendKind.allCases)
    func scope(backend: StorageBackendKind) async throws {
        let h = try await Harness(backend: backend)
        try await h.importCounty()
        let mine = try await h.device(name: "李敏")
        let theirs = try await h.device(scope: otherVillage, name: "周平")
        defer {
            mine.close()
            theirs.close()
        }
        let photo = try Data(contentsOf: repoRoot.appendingPathComponent("Fixtures/photos/id-document.jpg"))
        let hh = try theirs.store.addHousehold(
            Household(region: otherVillage, address: "其他村1号", headName: "周平", housing: .owned, declaredMonthlyIncome: .yuan(100)))
        _ = try theirs.store.recordVisit(
            household: hh.id, author: "周平", startedAt: Instant(millis: 0), endedAt: Instant(millis: 1), answers: [:],
            photos: [PhotoInput(data: photo, kind: .idDocument)])
        _ = try await theirs.sync()
        _ = try await mine.sync()
        let households = try mine.store.households(in: try RegionCode("139901000000"))
        #expect(!households.isEmpty && households.allSatisfy { $0.region == village })
        #expect(try mine.store.households(in: otherVillage).isEmpty)
        let api = SyncAPI(http: CurlHTTPClient(endpoint: mine.endpoint), token: mine.token)
        let digest = SHA256Digest(of: photo)
        #expect(try await api.blobOffset(digest).complete, "the server has the photo")
        await #expect(throws: RemoteProblem.self) {
            _ = try await api.pull(after: SyncCursor(issuer: try NodeID("elsewhere"), position: 0), limit: 1)
        }
        let get = try await CurlHTTPClient(endpoint: mine.endpoint).send(
            HTTPRequest(method: "GET", path: "/v1/blobs/\(digest.hex)", headers: ["Authorization": "Bearer \(mine.token)"]))
        #expect(get.status == 404, "another village's photo is not served")
        let own = try await CurlHTTPClient(endpoint: theirs.endpoint).send(
            HTTPRequest(method: "GET", path: "/v1/blobs/\(digest.hex)", headers: ["Authorization": "Bearer \(theirs.token)"]))
        #expect(own.status == 200 && own.body == photo)
        await h.close()
    }
}
