import Foundation
import HTTPTypes

extension HTTPField.Name {
    /// The request's id, taken from the client when sane and echoed in every response.
    static let requestID = HTTPField.Name("X-Request-ID")!
}

/// `X-Request-ID`: the id that ties a device's report, a response and the server's log line.
enum RequestID {
    /// The longest id taken from a client.
    static let maxLength = 128

    /// The client's id when it is 1–128 characters of `[A-Za-z0-9._-]`, else nil.
    ///
    /// Anything else (spaces, quotes, control characters, a very long value) could forge or
    /// break a log line, so it is replaced rather than cleaned.
    static func sane(_ value: String?) -> String? {
        guard let value, (1...maxLength).contains(value.utf8.count) else { return nil }
        let ok = value.utf8.allSatisfy { c in
            (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
                || c == UInt8(ascii: "-")
        }
        return ok ? value : nil
    }

    /// A new random id (a lower-case UUID).
    static func generate() -> String { UUID().uuidString.lowercased() }

    /// The id for a request: the client's when sane, else a new one.
    static func forRequest(_ headers: HTTPFields) -> String { sane(headers[.requestID]) ?? generate() }
}
