import FieldRollClient
import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

/// A conflict is shown to the people who made it, on their devices, until the office settles it.
@Suite("Conflicts reach the devices of their region")
struct DeviceConflictTests {
    @Test(
        "two caseworkers change one phone offline: both devices list the conflict with both values and who wrote them; resolved at the office, it leaves them",
        arguments: StorageBackendKind.allCases)
    func conflictOnDevices(backend: StorageBackendKind) async throws {
        let harness = try await Harness(backend: backend)
        defer { Task { await harness.close() } }
        let li = try await harness.device(name: "李敏的平板")
        let wang = try await harness.device(name: "王强的平板")
        defer {
            li.close()
            wang.close()
        }
        let h = try li.store.addHousehold(
            Household(region: village, address: "上河村3组12号", headName: "王建国", housing: .selfBuilt, declaredMonthlyIncome: .yuan(600)))
        _ = try await li.sync()
        _ = try await wang.sync()
        #expect(try li.store.conflicts().isEmpty && wang.store.conflicts().isEmpty)
        var seen = wang.store.conflictsUpdates().makeAsyncIterator()
        #expect(try await ObservationTests().next(&seen)?.isEmpty == true)

        // Offline, each writes the household's phone; both sync.
        _ = try li.store.editHousehold(h.id) { $0.phone = try PhoneNumber("13911112222") }
        _ = try wang.store.editHousehold(h.id) { $0.phone = try PhoneNumber("13733334444") }
        _ = try await li.sync()
        let second = try await wang.sync()
        #expect(second.conflictsRecorded == 1)
        _ = try await li.sync()

        let onServer = try await harness.pipeline.conflicts(includeResolved: false, scope: village)
        let conflict = try #require(onServer.first)
        for device in [li, wang] {
            let listed = try device.store.conflicts()
            #expect(listed.count == 1)
            let c = try #require(listed.first)
            #expect(c.id == conflict.id && c.entity == .household && c.record == h.id.description && c.field == "phone")
            #expect(Set([c.kept.value, c.other.value]) == [.string("13911112222"), .string("13733334444")])
            #expect(Set([c.keptBy, c.otherBy]) == ["李敏的平板", "王强的平板"])
            #expect(c.kept.value == (try device.store.household(h.id).household.phone.map { JSONValue.string($0.rawValue) }))
        }
        let shown = try await ObservationTests().first(&seen) { !$0.isEmpty }
        #expect(shown?.first?.field == "phone", "the observation fired with the pulled conflict")

        // The values are sealed at rest like the record's own sensitive fields: not in the file.
        for name in [DeviceStore.databaseName, DeviceStore.databaseName + "-wal"] {
            let file = (try? Data(contentsOf: wang.directory.appendingPathComponent(name))) ?? Data()
            #expect(file.range(of: Data("13733334444".utf8)) == nil && file.range(of: Data("13911112222".utf8)) == nil, "\(name)")
        }

        // The office settles it; the next sync drops it from both devices.
        _ = try await harness.pipeline.resolveConflict(
            id: conflict.id, chooseLoser: false, as: .operator("admin"), now: DeviceStore.systemClock())
        for device in [li, wang] {
            _ = try await device.sync()
            #expect(try device.store.conflicts().isEmpty)
        }
        #expect(try await ObservationTests().first(&seen) { $0.isEmpty } != nil)
    }
}
