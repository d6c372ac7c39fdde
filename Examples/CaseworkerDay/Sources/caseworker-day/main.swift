// A caseworker's day in 40 lines: enrol the tablet, pull the village, survey a household
// offline, sync in the evening. Usage: caseworker-day SERVER_URL ONE_TIME_CODE FOLDER
import FieldRollClient
import Foundation

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: caseworker-day SERVER_URL ONE_TIME_CODE FOLDER\n".utf8))
    exit(2)
}
do {
    // Morning: the tablet's store (encrypted), enrolled with the office's one-time code.
    let store = try await FieldRoll.create(
        at: URL(fileURLWithPath: arguments[3]), credential: .passphrase("李敏的口令很长很长"), name: "李敏的平板")
    let grant = try await store.enrol(server: ServerEndpoint(baseURL: arguments[1]), code: arguments[2])
    print("enrolled as \(grant.role.rawValue) for \(grant.scope)")
    let session = SyncSession(store: store)
    print("pulled \(try await session.sync().pulled) changes")

    // In the village, offline: a new household, its head, a phone number, the survey visit.
    let household = try store.addHousehold(
        Household(
            region: grant.scope, address: "上河村3组12号", headName: "王建国", housing: .selfBuilt,
            declaredMonthlyIncome: try Fen(yuan: "600")))
    try store.addMember(
        Member(
            householdID: household.id, region: grant.scope, name: "王建国", residentID: try ResidentID("11010519491231002X"),
            relation: .head, work: .farming, monthlyIncome: try Fen(yuan: "300")))
    try store.editHousehold(household.id) { $0.phone = try PhoneNumber("13911112222") }
    let now = Instant(millis: Int64(Date().timeIntervalSince1970 * 1000))
    _ = try store.recordVisit(
        household: household.id, author: "李敏", startedAt: Instant(millis: now.millis - 1_800_000), endedAt: now,
        answers: ["income.wages": .int(30_000)])
    print("waiting to sync: \(try store.pending().changeSets) change sets")

    // Evening, back in range: everything goes up.
    let report = try await session.sync()
    print("sent \(report.changesApplied) changes, \(report.refused) refused; waiting: \(try store.pending().changeSets)")
} catch let error as any FieldRollError {
    FileHandle.standardError.write(Data("caseworker-day: \(error.code.rawValue): \(error.message)\n".utf8))
    exit(1)
}
