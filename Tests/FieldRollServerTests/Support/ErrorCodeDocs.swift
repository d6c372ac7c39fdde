import FieldRollCore
import Foundation

/// Renders ``ErrorCode/table`` into the two documents that list it, and splices the rendering
/// into them: the section of `docs/server.md` between the marker comments, and the `ErrorCode`
/// schema of `docs/openapi.json`.
///
/// `ErrorCodeTableTests` compares the documents with this rendering;
/// `FIELDROLL_WRITE_DOCS=1 swift test --filter ErrorCodeTableTests` rewrites them.
enum ErrorCodeDocs {
    static let begin = "<!-- error-codes:begin: generated from ErrorCode.table -->"
    static let end = "<!-- error-codes:end -->"

    static var repositoryRoot: URL { fixturesDirectory.deletingLastPathComponent() }
    static var serverMarkdown: URL { repositoryRoot.appendingPathComponent("docs/server.md") }
    static var openAPI: URL { repositoryRoot.appendingPathComponent("docs/openapi.json") }

    /// The markdown table: code | HTTP status | title (English, Chinese) | meaning, one row per code, in table order.
    static var markdownTable: String {
        var out = "| code | HTTP status | title | 标题 | meaning |\n| --- | --- | --- | --- | --- |\n"
        for d in ErrorCode.table {
            out +=
                "| `\(d.code.rawValue)` | \(d.status) | \(d.title) | \(d.chineseTitle) | \(d.meaning.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return out
    }

    /// The section between (and including) the markers, as `docs/server.md` must hold it.
    static var markdownSection: String { begin + "\n" + markdownTable + end }

    /// The section of `text` between the markers (inclusive), or nil when a marker is missing.
    static func section(in text: String) -> Substring? {
        guard let start = text.range(of: "<!-- error-codes:begin"), let stop = text.range(of: end, range: start.upperBound..<text.endIndex)
        else {
            return nil
        }
        return text[start.lowerBound..<stop.upperBound]
    }

    /// The `description` of the OpenAPI `ErrorCode` schema: every code with its status and meaning.
    static var openAPIDescription: String {
        "A stable error code (the `code` of a problem and of a refused change). Each code is answered with exactly one HTTP status, on every route:\n"
            + ErrorCode.table.map { "\n- `\($0.code.rawValue)` (\($0.status)): \($0.meaning)" }.joined()
    }

    /// The `ErrorCode` schema as `docs/openapi.json` holds it (two-space JSON, six spaces in).
    static var openAPISchemaLines: [String] {
        var lines = [
            "      \"ErrorCode\": {",
            "        \"type\": \"string\",",
            "        \"description\": \(quote(openAPIDescription)),",
            "        \"enum\": [",
        ]
        let codes = ErrorCode.table.map(\.code.rawValue)
        for (i, code) in codes.enumerated() { lines.append("          \(quote(code))\(i < codes.count - 1 ? "," : "")") }
        lines += ["        ]", "      }"]
        return lines
    }

    /// `docs/openapi.json` with its `ErrorCode` schema replaced by the rendering; nil when the
    /// schema is not where it is expected.
    static func replacingSchema(in text: String) -> String? {
        var lines = text.components(separatedBy: "\n")
        guard let first = lines.firstIndex(of: "      \"ErrorCode\": {"),
            let last = lines[first...].firstIndex(where: { $0 == "      }" || $0 == "      }," })
        else { return nil }
        var replacement = openAPISchemaLines
        if lines[last].hasSuffix(",") { replacement[replacement.count - 1] += "," }
        lines.replaceSubrange(first...last, with: replacement)
        return lines.joined(separator: "\n")
    }

    /// A JSON string literal, escaped as the document's other strings are.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
