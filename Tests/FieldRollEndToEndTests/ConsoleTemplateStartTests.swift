import FieldRollCore
import FieldRollTestSupport
import Foundation
import Testing

/// An office that adapts the console's pages (`FIELDROLL_CONSOLE_TEMPLATES`) and breaks one
/// finds out when the server starts, not from a blank page later.
@Suite("A console template that is missing or broken stops the server at start")
struct ConsoleTemplateStartTests {
    static let templates = repoRoot.appendingPathComponent("Sources/FieldRollServer/Resources/Console")

    func serve(templates folder: URL, data: URL) async throws -> (status: Int32, out: String, err: String) {
        try await runProgram(
            try #require(ServerProcess.binary), ["serve", "--data", data.path, "--port", "0", "--host", "127.0.0.1"],
            environment: ["FIELDROLL_CONSOLE_TEMPLATES": folder.path, "PATH": "/usr/bin:/bin"])
    }

    @Test("a broken template and a missing one: the server exits 1 at start naming the file; nothing is served")
    func refusesToStart() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fieldroll-templates-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let data = work.appendingPathComponent("data")
        let folder = work.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.templates, to: folder)
        let binary = try #require(ServerProcess.binary)
        let made = try await runProgram(binary, ["init", "--data", data.path])
        #expect(made.status == 0, "\(made.err)")

        let review = folder.appendingPathComponent("review.mustache")
        try Data("<h1>{{t.review_title}}</h1>{{#entries}} never closed".utf8).write(to: review)
        let broken = try await serve(templates: folder, data: data)
        #expect(broken.status == ExitStatus.failed.rawValue)
        #expect(broken.err.contains("console template review.mustache"), "\(broken.err)")
        #expect(!broken.out.contains("listening"))

        try FileManager.default.copyItem(at: Self.templates.appendingPathComponent("review.mustache"), to: work.appendingPathComponent("r"))
        try FileManager.default.removeItem(at: review)
        try FileManager.default.moveItem(at: work.appendingPathComponent("r"), to: review)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("notice_view.mustache"))
        let missing = try await serve(templates: folder, data: data)
        #expect(missing.status == ExitStatus.failed.rawValue)
        #expect(missing.err.contains("console template notice_view.mustache: missing"), "\(missing.err)")
    }
}
