import Crypto
import Foundation

/// A SHA-256 digest, the content address of a photo or any blob: 64 lowercase hex digits.
public struct SHA256Digest: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The 64 lowercase hex digits.
    public let hex: String

    /// Parses 64 hex digits (either case; stored lowercase).
    public init(hex text: String) throws(ValidationError) {
        let lower = text.lowercased()
        guard lower.utf8.count == 64, lower.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else {
            throw ValidationError([FieldIssue(field: "sha256", reason: "bad-format", message: "a SHA-256 digest is 64 hex digits")])
        }
        hex = lower
    }

    /// The digest of `bytes`.
    public init<D: DataProtocol>(of bytes: D) {
        self.init(SHA256.hash(data: bytes))
    }

    /// Wraps a finished hash.
    public init(_ digest: SHA256.Digest) {
        hex = Self.lowercaseHex(digest)
    }

    /// Lowercase hex of `bytes`, two digits a byte. A table instead of `String(format:)`, which
    /// the push profile showed at an eighth of the server's time (one digest per audited change).
    public static func lowercaseHex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public var description: String { hex }

    public static func < (a: Self, b: Self) -> Bool { a.hex < b.hex }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(hex: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(hex)
    }
}
