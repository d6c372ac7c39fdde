import FieldRollCore
import FieldRollServer
import FieldRollTestSupport
import Foundation
import Testing

@Suite("Each error code owns one HTTP status, and the docs say the same")
struct ErrorCodeTableTests {
    @Test("every code appears once in the table, with a 4xx or 5xx status, a title and a one-line meaning")
    func tableIsWellFormed() {
        let codes = ErrorCode.table.map(\.code)
        #expect(Set(codes).count == codes.count, "a code is listed twice: \(codes.filter { c in codes.filter { $0 == c }.count > 1 })")
        for d in ErrorCode.table {
            #expect(d.code.rawValue.allSatisfy { $0 == "-" || ("a"..."z").contains($0) }, "\(d.code)")
            #expect((400...599).contains(d.status), "\(d.code): \(d.status)")
            #expect(!d.title.isEmpty && !d.meaning.isEmpty && !d.meaning.contains("\n"), "\(d.code)")
            #expect(d.code.status == d.status && d.code.definition == d)
        }
    }

    @Test("every ErrorCode constant declared in the core has a row, and every row a constant")
    func constantsMatchTable() throws {
        let folder = ErrorCodeDocs.repositoryRoot.appendingPathComponent("Sources/FieldRollCore/Errors")
        var declared: Set<String> = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".swift") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let regex = try NSRegularExpression(pattern: #"static let \w+: ErrorCode = "([a-z-]+)""#)
            for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let r = Range(m.range(at: 1), in: text) { declared.insert(String(text[r])) }
            }
        }
        let listed = Set(ErrorCode.table.map(\.code.rawValue))
        #expect(declared.subtracting(listed).isEmpty, "declared without a row in ErrorCode.table: \(declared.subtracting(listed).sorted())")
        #expect(listed.subtracting(declared).isEmpty, "rows without a constant: \(listed.subtracting(declared).sorted())")
    }

    @Test("a problem takes its status and title from the table, whatever the throw site says")
    func problemsTakeStatusFromTable() {
        for d in ErrorCode.table {
            let response = ProblemResponse(d.code, "detail")
            #expect(response.status.code == d.status && response.problem.status == d.status && response.problem.title == d.title)
            let overridden = ProblemResponse(ProblemDetails(code: d.code, status: 299, title: "made up", detail: "x"))
            #expect(overridden.status.code == d.status && overridden.problem.title == d.title, "\(d.code)")
        }
        #expect(ProblemResponse.from(ProblemDetails(code: .invalidRecord, status: 409, title: "Device id taken")).status.code == 422)
    }

    @Test("an unknown code (from a newer server) decodes, and a bare status maps to the code it stands for")
    func unknownCodes() throws {
        let body = #"{"type":"urn:fieldroll:problem:rate-limited","title":"Slow down","status":429,"code":"rate-limited"}"#
        let problem = try JSONDecoder().decode(ProblemDetails.self, from: Data(body.utf8))
        #expect(problem.code.rawValue == "rate-limited" && problem.code.definition == nil && problem.status == 429)
        #expect(ErrorCode(httpStatus: 404) == .notFound && ErrorCode(httpStatus: 405) == .methodNotAllowed)
        #expect(
            ErrorCode(httpStatus: 413) == .payloadTooLarge && ErrorCode(httpStatus: 418) == .badRequest
                && ErrorCode(httpStatus: 500) == .internalError)
    }

    @Test("docs/server.md lists exactly the table: code, status, meaning")
    func serverMarkdown() throws {
        let url = ErrorCodeDocs.serverMarkdown
        let text = try String(contentsOf: url, encoding: .utf8)
        let expected = ErrorCodeDocs.markdownSection
        let found = ErrorCodeDocs.section(in: text).map(String.init)
        if found != expected, ProcessInfo.processInfo.environment["FIELDROLL_WRITE_DOCS"] == "1", let found {
            try Data(text.replacingOccurrences(of: found, with: expected).utf8).write(to: url)
            return
        }
        #expect(found == expected, "docs/server.md's error table differs from ErrorCode.table; it should read:\n\(expected)")
    }

    @Test("docs/openapi.json's ErrorCode schema lists exactly the table, and problems and refusals use it")
    func openAPI() throws {
        let url = ErrorCodeDocs.openAPI
        var text = try String(contentsOf: url, encoding: .utf8)
        if ProcessInfo.processInfo.environment["FIELDROLL_WRITE_DOCS"] == "1", let rewritten = ErrorCodeDocs.replacingSchema(in: text),
            rewritten != text
        {
            try Data(rewritten.utf8).write(to: url)
            text = rewritten
        }
        let document = try JSONValue(parsing: Data(text.utf8))
        let schemas = document.objectValue?["components"]?.objectValue?["schemas"]?.objectValue ?? [:]
        let schema = try #require(schemas["ErrorCode"]?.objectValue, "docs/openapi.json has no ErrorCode schema")
        #expect(schema["type"]?.stringValue == "string")
        #expect(schema["enum"]?.arrayValue?.compactMap(\.stringValue) == ErrorCode.table.map(\.code.rawValue))
        #expect(
            schema["description"]?.stringValue == ErrorCodeDocs.openAPIDescription,
            "the ErrorCode description differs from ErrorCode.table; it should be:\n\(ErrorCodeDocs.openAPIDescription)")
        let ref = JSONValue.object(["$ref": "#/components/schemas/ErrorCode"])
        #expect(schemas["Problem"]?.objectValue?["properties"]?.objectValue?["code"] == ref)
        #expect(schemas["ChangeResult"]?.objectValue?["properties"]?.objectValue?["code"] == ref)
        // The answers for unmatched routes are documented once, for every path.
        let responses = document.objectValue?["components"]?.objectValue?["responses"]?.objectValue ?? [:]
        #expect(responses["NotFound"] != nil)
        #expect(responses["MethodNotAllowed"]?.objectValue?["headers"]?.objectValue?["Allow"] != nil)
    }
}
