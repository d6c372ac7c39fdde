/// The id of a replica: an enrolled device, or a server.
///
/// It breaks ties between equal clock readings, so it must be unique per replica and it is
/// compared as text. Up to 64 characters of `a-z`, `0-9`, `-`, `_`, `.`; devices use their
/// lowercase UUID.
public struct NodeID: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The id text.
    public let rawValue: String

    /// - Throws: ``ValidationError`` for an empty, over-long or oddly-charactered id.
    public init(_ text: String) throws(ValidationError) {
        let ok =
            !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 || $0 == 46 }
        guard ok else {
            throw ValidationError([
                FieldIssue(field: "node", reason: "bad-format", message: "node id must be 1–64 characters of a-z 0-9 - _ .")
            ])
        }
        rawValue = text
    }

    init(unchecked: String) { rawValue = unchecked }

    public var description: String { rawValue }

    public static func < (a: NodeID, b: NodeID) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// An enrolled device is a replica; its id is its node id.
public typealias DeviceID = NodeID
