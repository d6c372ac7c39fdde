import FieldRollClient
import FieldRollCore
import Foundation

let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let fixtures = repoRoot.appendingPathComponent("Fixtures")
let village = try! RegionCode("139901002201")
let passphrase = Credential.passphrase("correct horse battery")

/// A fresh folder under the temporary directory, removed by `cleanup`.
func temporaryFolder(_ name: String = "store") -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-\(name)-\(UUID().uuidString)")
}

func cleanup(_ url: URL) { try? FileManager.default.removeItem(at: url) }

func newStore(_ dir: URL = temporaryFolder(), now: @escaping @Sendable () -> Int64 = DeviceStore.systemClock) throws -> DeviceStore {
    try DeviceStore.create(at: dir, credential: passphrase, name: "李敏的平板", now: now)
}

func sampleHousehold(_ phone: String = "13800138000") -> Household {
    Household(
        region: village, address: "上河村3组12号", headName: "王建国", phone: try? PhoneNumber(phone), housing: .selfBuilt, housingArea: 80,
        declaredMonthlyIncome: .yuan(600))
}

func sampleMember(_ household: HouseholdID, id: String = "11010519491231002X", relation: Relation = .head) -> Member {
    Member(
        householdID: household, region: village, name: "王芳", residentID: try! ResidentID(id), relation: relation, work: .farming,
        monthlyIncome: .yuan(300))
}

/// The roll entry the server would send for `household`, applied as a pull: enrolled from `start`.
@discardableResult
func pullEnrolment(
    _ store: DeviceStore, household: HouseholdID, programme: Programme = .ruralDibao, start: String = "2026-02-01",
    status: EnrolmentStatus = .enrolled, checkIns: CheckInSchedule? = nil
) throws -> Enrolment {
    let server = try NodeID("server-1")
    let stamp = HLCTimestamp(physical: 1_790_000_000_000, logical: 0, node: server)
    let day = try CalendarDate(start)
    let enrolment = Enrolment(
        householdID: household, region: village, programme: programme, status: status, monthlyAmount: .yuan(520),
        appliedOn: try CalendarDate("2026-01-05"), startDate: status == .enrolled ? day : nil, statusSince: day)
    let writes = try enrolment.fieldValues.sorted { $0.key < $1.key }.map {
        FieldWrite(field: $0.key, value: $0.value, stamp: stamp, base: nil)
    }
    let pulled = PulledChange(
        position: 1, origin: server, changeSet: ChangeSetID(),
        change: Change(entity: .enrolment, record: enrolment.id.description, region: village, payload: .writes(writes)))
    try store.apply(pulled: [pulled], cursor: SyncCursor(issuer: server, position: 1), checkIns: checkIns)
    return enrolment
}

let housePhoto = (try? Data(contentsOf: fixtures.appendingPathComponent("photos/house.jpg"))) ?? Data()
let sheetPhoto = (try? Data(contentsOf: fixtures.appendingPathComponent("photos/survey-sheet.jpg"))) ?? Data()

/// The built `fieldroll` binary, next to the test bundle.
let fieldrollBinary: URL? = {
    let argv0 = URL(fileURLWithPath: CommandLine.arguments[0])
    return [
        argv0.deletingLastPathComponent(), argv0.deletingLastPathComponent().deletingLastPathComponent(),
        repoRoot.appendingPathComponent(".build/debug"),
    ]
    .map { $0.appendingPathComponent("fieldroll") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
}()

/// Runs `fieldroll` with the test passphrase; returns status, stdout, stderr.
func fieldroll(_ args: [String]) throws -> (Int32, String, String) {
    guard let binary = fieldrollBinary else { throw CocoaError(.fileNoSuchFile) }
    let p = Process()
    p.executableURL = binary
    p.arguments = args
    p.environment = ["FIELDROLL_PASSPHRASE": "correct horse battery", "PATH": "/usr/bin:/bin"]
    let out = Pipe()
    let err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}
