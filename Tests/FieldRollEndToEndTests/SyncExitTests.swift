import FieldRollClient
import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

/// `fieldroll sync` as a script sees it: its exit status tells "refused" from "done" and "failed".
@Suite("fieldroll sync's exit status")
struct SyncExitTests {
    /// The built `fieldroll` binary next to the test bundle.
    static let binary: URL? = {
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0])
        return [
            argv0.deletingLastPathComponent(), argv0.deletingLastPathComponent().deletingLastPathComponent(),
            repoRoot.appendingPathComponent(".build/debug"),
        ]
        .map { $0.appendingPathComponent("fieldroll") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `fieldroll` with the test passphrase (see ``runProgram(_:_:environment:)``).
    func fieldroll(_ args: [String]) async throws -> (status: Int32, out: String, err: String) {
        try await runProgram(
            try #require(Self.binary), args, environment: ["FIELDROLL_PASSPHRASE": "correct horse battery", "PATH": "/usr/bin:/bin"])
    }

    @Test(
        "0 when all went in, 3 when the server refused a change in this sync (kept and listed), 1 when the server is gone, 2 for a wrong command line"
    )
    func statuses() async throws {
        let h = try await Harness(backend: .sqlite)
        let d = try await h.device()
        defer { d.close() }
        let data = ["--data", d.directory.path]
        _ = try d.store.addHousehold(
            Household(region: village, address: "上河村3组12号", headName: "王建国", housing: .selfBuilt, declaredMonthlyIncome: .yuan(600)))
        let ok = try await fieldroll(["sync"] + data)
        #expect(ok.status == ExitStatus.done.rawValue, "\(ok.err)")

        // A household of a village this caseworker does not serve: the server refuses it.
        _ = try d.store.addHousehold(
            Household(region: otherVillage, address: "下河村1组2号", headName: "赵六", housing: .selfBuilt, declaredMonthlyIncome: .yuan(500)))
        let refused = try await fieldroll(["sync"] + data)
        #expect(refused.status == ExitStatus.refused.rawValue)
        #expect(refused.out.contains("1 refused") && refused.out.contains("scope-violation"), "\(refused.out)")
        #expect(
            try await fieldroll(["sync"] + data).status == ExitStatus.done.rawValue,
            "nothing new was refused; the old refusal is still listed by status")
        _ = try d.store.addHousehold(
            Household(region: otherVillage, address: "下河村1组3号", headName: "钱七", housing: .selfBuilt, declaredMonthlyIncome: .yuan(500)))
        let json = try await fieldroll(["sync", "--json"] + data)
        #expect(json.status == ExitStatus.refused.rawValue)
        #expect(try JSONValue(parsing: Data(json.out.utf8)).objectValue != nil, "the report is still printed")

        #expect(try await fieldroll(["sync", "--bogus"] + data).status == ExitStatus.usage.rawValue)
        await h.close()
        let gone = try await fieldroll(["sync"] + data)
        #expect(gone.status == ExitStatus.failed.rawValue && gone.err.hasPrefix("Error: "), "\(gone.err)")
    }
}
