import FieldRollClient
import FieldRollCore
import FieldRollServer
import Foundation
import Testing

/// `Examples/CaseworkerDay`: an app team's own package, depending on this checkout and using only
/// FieldRollClient's public API, run against a real server as a caseworker would use it.
@Suite("The example app, built as an app team builds it")
struct ExampleAppTests {
    static let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let package = checkout.appendingPathComponent("Examples/CaseworkerDay")

    /// The example's binary: built by `scripts/test.sh` before the tests; built here if it is not.
    func binary() async throws -> URL {
        let built = Self.package.appendingPathComponent(".build/debug/caseworker-day")
        if !FileManager.default.isExecutableFile(atPath: built.path) {
            let swift = URL(fileURLWithPath: "/usr/bin/env")
            let made = try await runProgram(swift, ["swift", "build", "--package-path", Self.package.path])
            #expect(made.status == 0, "the example builds from the public API alone: \(made.err.suffix(2000))")
        }
        return built
    }

    @Test("enrols, pulls, surveys a household offline and syncs it: every change applied, nothing left waiting")
    func caseworkersDay() async throws {
        let harness = try await Harness()
        defer { Task { await harness.close() } }
        let code = Secrets.enrolmentCode()
        _ = try await harness.pipeline.createDevice(
            name: "李敏的平板", role: .caseworker, scope: village, codeHash: Secrets.hash(code), expiresAt: Int64.max / 2, as: .operator(),
            now: 0)
        let folder = tempDir("example")
        defer { try? FileManager.default.removeItem(at: folder) }
        let day = try await runProgram(try await binary(), [harness.base, code, folder.path])
        #expect(day.status == 0, "\(day.err)")
        #expect(day.out.contains("enrolled as caseworker for \(village)"), "\(day.out)")
        #expect(day.out.contains("waiting to sync: 4 change sets") && day.out.contains("0 refused; waiting: 0"), "\(day.out)")
        let households = try await harness.pipeline.records(of: .household, in: village)
        #expect(households.count == 1)
        guard case .state(let state)? = households.first?.content else {
            Issue.record("no household on the server")
            return
        }
        #expect(state.values["phone"]?.stringValue == "13911112222" && state.values["headName"]?.stringValue == "王建国")
        #expect(try await harness.pipeline.records(of: .visit, in: village).count == 1)

        // A wrong command line is a one-line usage and exit 2; a used code a one-line refusal and exit 1.
        let usage = try await runProgram(try await binary(), [])
        #expect(usage.status == 2 && usage.err.hasPrefix("usage: caseworker-day"))
        let again = try await runProgram(try await binary(), [harness.base, code, tempDir("example-again").path])
        #expect(again.status == 1 && again.err.hasPrefix("caseworker-day: ") && again.err.split(separator: "\n").count == 1, "\(again.err)")
    }
}
