import FieldRollCore
import Foundation
import Hummingbird

/// Reading `application/x-www-form-urlencoded` bodies, the only kind the console's forms send.
enum ConsoleForm {
    /// The largest form body the console reads.
    static let maxBytes = 64 * 1024

    /// The fields of the request's form body (the last value wins when a name repeats).
    static func read(_ request: Request) async throws -> [String: String] {
        var request = request
        let buffer = try await request.collectBody(upTo: maxBytes)
        return parse(String(buffer: buffer))
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

    /// A resident ID number, masked (`110105********123X`) unless `full`.
    static func residentID(_ text: String, full: Bool) -> String {
        if full { return text }
        if let id = try? ResidentID(text) { return id.masked }
        return mask(text)
    }

    /// A phone number, masked to its last four digits unless `full`.
    static func phone(_ text: String, full: Bool) -> String {
        if full { return text }
        if let phone = try? PhoneNumber(text) { return phone.masked }
        return mask(text)
    }

    /// Keeps the last four characters of something that did not parse.
    static func mask(_ text: String) -> String { String(repeating: "*", count: max(0, text.count - 4)) + text.suffix(4) }

    /// Fields whose values are masked for roles that do not need them in full.
    static let identifierFields: Set<String> = ["residentID", "phone"]

    /// A field's value for a page: strings as they are, anything else as canonical JSON;
    /// identifiers masked unless `full`.
    static func value(_ value: JSONValue, field: String, full: Bool) -> String {
        let text = value.stringValue ?? CanonicalJSON.string(value)
        switch field {
        case "residentID": return residentID(text, full: full)
        case "phone": return phone(text, full: full)
        default: return text
        }
    }
}
