import FieldRollCore
import FieldRollServer
import Foundation
import Testing

/// What a person reads when something goes wrong, or right: the words they typed, the option
/// they used, the decision as they made it, and nothing personal in a log.
@Suite("Messages name what the person typed")
struct MessageTests {
    let data = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-msg-\(UUID().uuidString)").path

    /// An application of the fixture county waiting at `step`.
    func waiting(at step: String) throws -> String {
        let (_, listed, _) = try CLI.run(["review", "list", "--data", data, "--json"])
        let queue = try #require(try JSONValue(parsing: Data(listed.utf8)).arrayValue)
        let entry = try #require(queue.first { $0.objectValue?["step"]?.stringValue == step })
        return try #require(entry.objectValue?["enrolment"]?.objectValue?["id"]?.stringValue)
    }

    @Test("review: the README's approve works without --role, refuse says refused, options are named, the reason is shown afterwards")
    func review() throws {
        defer { try? FileManager.default.removeItem(atPath: data) }
        #expect(try CLI.run(["init", "--data", data]).0 == 0)
        let county = fixturesDirectory.appendingPathComponent("county")
        #expect(
            try CLI.run([
                "import", "--data", data, "--households", county.appendingPathComponent("households.csv").path, "--members",
                county.appendingPathComponent("members.csv").path, "--enrolments", county.appendingPathComponent("enrolments.csv").path,
                "--history",
            ]).0 == 0)
        // Imported applications carry no status date: their deadlines count from the day they applied.
        let (_, listed, _) = try CLI.run(["review", "list", "--data", data, "--json"])
        let queue = try #require(try JSONValue(parsing: Data(listed.utf8)).arrayValue)
        let imported = try #require(queue.first { $0.objectValue?["step"]?.stringValue == "village-survey" }?.objectValue)
        #expect(imported["since"] != nil && imported["since"] == imported["enrolment"]?.objectValue?["appliedOn"], "\(imported)")
        #expect(imported["due"]?.stringValue != nil)
        // The village's step is a reviewer's: without --role the command takes the step's role.
        let applied = try waiting(at: "village-survey")
        let (ok, said, err) = try CLI.run(["review", "approve", applied, "--step", "village-survey", "--by", "村干部", "--data", data])
        #expect(ok == 0 && said.hasPrefix("approved at village-survey: \(applied) by 村干部"), "\(said)\(err)")
        let (wrongRole, _, roleErr) = try CLI.run([
            "review", "approve", try waiting(at: "village-survey"), "--step", "village-survey", "--by", "张科长", "--role", "approver",
            "--data", data,
        ])
        #expect(wrongRole == 1 && roleErr.hasPrefix("Error: forbidden: "), "\(roleErr)")
        #expect(roleErr.hasSuffix(": an approver may not decide at village-survey\n"), "\(roleErr)")

        let township = try waiting(at: "township-review")
        let (noBy, _, noByErr) = try CLI.run(["review", "refuse", township, "--step", "township-review", "--by", " ", "--data", data])
        #expect(noBy == 1 && noByErr.hasPrefix("Error: invalid-record: --by: is required"), "\(noByErr)")
        let (noReason, _, noReasonErr) = try CLI.run([
            "review", "refuse", township, "--step", "township-review", "--by", "王干事", "--data", data,
        ])
        #expect(noReason == 1 && noReasonErr.hasPrefix("Error: invalid-record: --reason: "), "\(noReasonErr)")
        let (refused, refusedOut, _) = try CLI.run([
            "review", "refuse", township, "--step", "township-review", "--by", "王干事", "--reason", "存款超标", "--data", data,
        ])
        #expect(refused == 0 && refusedOut.hasPrefix("refused at township-review: ") && !refusedOut.contains("reject"), "\(refusedOut)")
        // The reason can be read afterwards.
        let (h, history, _) = try CLI.run(["review", "history", township, "--data", data])
        #expect(h == 0 && history.contains("township-review  refused  by 王干事 (reviewer): 存款超标"), "\(history)")
        let (shown, _, shownErr) = try CLI.run(["review", "show", township, "--data", data])
        #expect(shown == 1 && shownErr.contains("(it is rejected); last decision: refused at township-review by 王干事"), "\(shownErr)")
        #expect(shownErr.hasSuffix(": 存款超标\n"), "\(shownErr)")

        // A date that does not exist is named as typed.
        let (bad, _, badErr) = try CLI.run(["checkins", "overdue", "--as-of", "2026-02-30", "--data", data])
        #expect(bad == 1 && badErr.contains("2026-02-30 is not a real date"), "\(badErr)")
        // The example in --help runs as it is written.
        let help = try CLI.run(["checkins", "suspend-overdue", "--help"]).1.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let example = "fieldroll-server checkins suspend-overdue --scope 139901002000 --by 张科长 --json"
        #expect(help.contains(example), "\(help)")
        let (ran, _, ranErr) = try CLI.run(example.split(separator: " ").dropFirst().map(String.init) + ["--data", data])
        #expect(ran == 0, "\(ranErr)")
    }

    @Test("a GBK file cut mid-character is called that, UTF-16 is called UTF-16, and a bad resident ID is masked in the bad rows")
    func files() throws {
        // 张三 in GBK is D5C5 C8FD; cut after D5C5 C8.
        do {
            _ = try TextEncoding.auto.decode(Data([0xD5, 0xC5, 0xC8]), name: "车辆.csv")
            Issue.record("a cut file was read")
        } catch {
            #expect(error.message.contains("GB18030/GBK text cut off in the middle of a character"), "\(error.message)")
            #expect(!error.message.contains("UTF-16"))
        }
        do {
            _ = try TextEncoding.auto.decode(Data([0xFF, 0xFE, 0x20, 0x5F]), name: "x.csv")
            Issue.record("UTF-16 was read")
        } catch { #expect(error.message.contains("UTF-16"), "\(error.message)") }
        do {
            _ = try CSVTable(data: Data([0xD5, 0xC5, 0xC8, 0xFD]), name: "households.csv")
            Issue.record("GBK was read as UTF-8")
        } catch { #expect(error.message.contains("is not UTF-8 text: it is GB18030/GBK text"), "\(error.message)") }

        let table = try CSVTable(parsing: "resident_id,plate,value_yuan\n110105194912310021,辽K1,86000\n")
        let evaluation = try CrossCheck.evaluate(
            table, source: .vehicles, file: "车辆.csv", rolls: RollIndex(members: [], households: []), thresholds: CrossCheckThresholds(),
            now: Instant(millis: 0))
        let row = try #require(evaluation.badRows.first)
        #expect(row.message.contains("110105********0021") && !row.message.contains("110105194912310021"), "\(row.message)")
    }
}
