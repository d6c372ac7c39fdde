import FieldRollCore
import Foundation

/// One entry of the append-only audit log. Each entry's hash covers the previous entry's hash,
/// so editing or deleting any entry breaks every hash after it.
public struct AuditEntry: Codable, Sendable, Hashable {
    public var seq: Int64
    public var at: Instant
    /// A device id, or `admin:<name>` for the central office's commands.
    public var actor: String
    /// What happened: `change.applied`, `device.enrolled`, `device.revoked`, `conflict.resolved`, …
    public var action: String
    /// The record, device or conflict it concerns.
    public var subject: String
    public var detail: String
    public var previousHash: String
    public var hash: String

    /// The hash of the genesis "previous" entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// Computes the hash of an entry from its fields and its predecessor's hash.
    public static func hash(seq: Int64, at: Instant, actor: String, action: String, subject: String, detail: String, previous: String)
        -> String
    {
        let body = JSONValue.object([
            "seq": .int(seq), "at": .string(at.description), "actor": .string(actor), "action": .string(action),
            "subject": .string(subject), "detail": .string(detail), "previous": .string(previous),
        ])
        return SHA256Digest(of: body.canonicalBytes).hex
    }
}

/// The result of `fieldroll-server audit verify`.
public struct AuditVerification: Sendable, Hashable {
    public var entries: Int64
    /// The first entry that does not verify, and why; nil when the whole chain holds.
    public var firstBad: (seq: Int64, reason: String)?

    public var ok: Bool { firstBad == nil }

    public static func == (a: Self, b: Self) -> Bool { a.entries == b.entries && a.firstBad?.seq == b.firstBad?.seq }
    public func hash(into h: inout Hasher) { h.combine(entries) }
}
