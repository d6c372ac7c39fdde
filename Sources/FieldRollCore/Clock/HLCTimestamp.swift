/// One reading of a hybrid logical clock: physical milliseconds, a logical counter, and the
/// node that made it.
///
/// Readings are totally ordered by (physical, logical, node); the node breaks ties so two
/// replicas never produce equal stamps for different writes. On the wire a stamp is one string,
/// `PPPPPPPPPPPPPPP-LLLLL-node` (15-digit zero-padded milliseconds, 5-digit counter), whose
/// byte order equals stamp order — handy as an index key in SQLite and PostgreSQL.
public struct HLCTimestamp: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z, as the clock reckons them.
    public let physical: Int64
    /// Orders events within one millisecond; at most ``maxLogical``.
    public let logical: UInt16
    /// The replica that made this reading.
    public let node: NodeID

    /// The largest counter value; past it the clock borrows the next millisecond.
    public static let maxLogical = UInt16.max
    /// The largest physical value the wire form can carry (15 digits).
    public static let maxPhysical: Int64 = 999_999_999_999_999

    /// Makes a reading from its three parts, unchecked.
    public init(physical: Int64, logical: UInt16, node: NodeID) {
        self.physical = physical
        self.logical = logical
        self.node = node
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.physical, a.logical, a.node) < (b.physical, b.logical, b.node)
    }

    /// The wire form.
    public var description: String {
        let p = String(physical)
        let l = String(logical)
        return String(repeating: "0", count: max(0, 15 - p.count)) + p + "-"
            + String(repeating: "0", count: max(0, 5 - l.count)) + l + "-" + node.rawValue
    }

    /// Parses the wire form.
    public init(_ text: String) throws(ValidationError) {
        let parts = text.split(separator: "-", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 15, parts[1].count == 5,
            parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
            let p = Int64(parts[0]), let l = UInt16(parts[1])
        else {
            throw ValidationError([
                FieldIssue(
                    field: "stamp", reason: "bad-format",
                    message: "\"\(text.prefix(90))\" is not a clock stamp (PPPPPPPPPPPPPPP-LLLLL-node)")
            ])
        }
        let node = try NodeID(String(parts[2]))
        self.init(physical: p, logical: l, node: node)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
