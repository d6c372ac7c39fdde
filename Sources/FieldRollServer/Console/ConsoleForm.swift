import FieldRollCore
import Foundation
import Hummingbird

/// Reading `application/x-www-form-urlencoded` bodies, the only kind the console's forms send.
enum ConsoleForm {
    /// The largest form body the console reads.
    static let maxBytes = 64 * 1024

    /// The largest upload (a `multipart/form-data` form with a CSV file) the console reads.
    static let maxUploadBytes = 8 * 1024 * 1024

    /// A file sent in a `multipart/form-data` form.
    struct File: Sendable {
        var filename: String
        var bytes: [UInt8]
    }

    /// The fields of the request's form body (the last value wins when a name repeats).
    static func read(_ request: Request) async throws -> [String: String] {
        try await readAll(request, upTo: maxBytes).fields
    }

    /// The fields and files of the request's body: `application/x-www-form-urlencoded`, or
    /// `multipart/form-data` (what a form with a file input sends).
    static func readAll(_ request: Request, upTo limit: Int) async throws -> (fields: [String: String], files: [String: File]) {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        let type = request.headers[.contentType] ?? ""
        if type.lowercased().hasPrefix("multipart/form-data"), let boundary = boundary(type) {
            return multipart(Array(buffer.readableBytesView), boundary: boundary)
        }
        return (parse(String(buffer: buffer)), [:])
    }

    /// The `boundary` parameter of a `multipart/form-data` content type.
    static func boundary(_ contentType: String) -> String? {
        for part in contentType.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.count > 200 ? nil : value
        }
        return nil
    }

    /// Parses a `multipart/form-data` body (RFC 7578): text parts become fields, parts with a
    /// `filename` become files. A part that does not parse is left out.
    static func multipart(_ body: [UInt8], boundary: String) -> (fields: [String: String], files: [String: File]) {
        var fields: [String: String] = [:]
        var files: [String: File] = [:]
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n\r\n".utf8)
        var marks: [Int] = []
        var from = 0
        while let at = find(delimiter, in: body, from: from) {
            marks.append(at)
            from = at + delimiter.count
        }
        for (start, end) in zip(marks, marks.dropFirst()) {
            // Each part: CRLF, headers, a blank line, the content, CRLF before the next delimiter.
            let partStart = start + delimiter.count + 2
            let partEnd = end - 2
            guard partStart < partEnd, let blank = find(separator, in: body, from: partStart), blank < partEnd else { continue }
            let head = String(decoding: body[partStart..<blank], as: UTF8.self)
            let content = Array(body[(blank + separator.count)..<partEnd])
            var name: String?
            var filename: String?
            for line in head.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                for item in line.split(separator: ";").dropFirst() {
                    let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    guard pair.count == 2 else { continue }
                    let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    if pair[0] == "name" { name = value }
                    if pair[0] == "filename" { filename = value }
                }
            }
            guard let name else { continue }
            if let filename {
                files[name] = File(filename: filename, bytes: content)
            } else {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
        }
        return (fields, files)
    }

    /// Where `needle` first occurs in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// Parses `a=1&b=x+y%21`.
    static func parse(_ body: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            out[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return out
    }

    /// Compares two secrets in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

/// How the console shows times, money and identifiers.
enum ConsoleFormat {
    /// `2026-11-25 19:20` in China Standard Time (UTC+8, no daylight saving), the office's clock.
    static func time(_ millis: Int64) -> String {
        let local = millis / 1000 + 8 * 3600
        let day = CalendarDate(chinaDayOf: Instant(millis: millis))
        let minutes = ((local % 86_400) + 86_400) % 86_400 / 60
        return "\(day) \(pad(minutes / 60)):\(pad(minutes % 60))"
    }

    static func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// A field's value for a page: strings as they are, anything else as canonical JSON;
    /// resident IDs, birth dates and phone numbers as `disclosure` shows them.
    static func value(_ value: JSONValue, field: String, disclosure: Disclosure, lang: ConsoleLanguage) -> String {
        if case .null = value { return lang.text("value_none") }
        let text = value.stringValue ?? CanonicalJSON.string(value)
        // A coded value (a relation, a housing kind) in words; people's own text as they wrote it.
        if let word = lang.strings["\(field)_\(text)"] ?? lang.strings["value_\(text)"] { return word }
        return disclosure.field(field, text)
    }
}
