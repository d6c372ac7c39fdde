import Foundation

/// What is wrong with one field of one record.
///
/// Validation collects every issue rather than stopping at the first, so a caseworker fixing a
/// survey sees all problems at once.
public struct FieldIssue: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The field's wire name, for example `residentID`, or `members[2].birthDate`.
    public var field: String
    /// A short stable reason such as `required`, `too-long`, `bad-check-digit`, `out-of-range`.
    public var reason: String
    /// A sentence for people.
    public var message: String

    /// Makes an issue for `field` with a stable reason and a message for people.
    public init(field: String, reason: String, message: String) {
        self.field = field
        self.reason = reason
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// A record that failed validation, with one ``FieldIssue`` per bad field.
public struct ValidationError: FieldRollError, Hashable {
    /// Every issue found, one per bad field.
    public var issues: [FieldIssue]

    /// Makes the error from the issues found.
    public init(_ issues: [FieldIssue]) { self.issues = issues }

    public var code: ErrorCode { .invalidRecord }

    public var message: String {
        issues.map(\.description).joined(separator: "; ")
    }
}

/// Collects field issues while a record is checked.
public struct IssueCollector: Sendable {
    /// The issues collected so far, in the order they were added.
    public private(set) var issues: [FieldIssue] = []
    private let prefix: String

    /// - Parameter prefix: prepended to every field name, e.g. `members[1].`.
    public init(prefix: String = "") { self.prefix = prefix }

    /// Adds an issue for `field` (after the prefix) with a stable reason and a message.
    public mutating func add(_ field: String, _ reason: String, _ message: String) {
        issues.append(FieldIssue(field: prefix + field, reason: reason, message: message))
    }

    /// Adds issues found elsewhere, as they are (no prefix).
    public mutating func add(contentsOf other: [FieldIssue]) { issues.append(contentsOf: other) }

    /// Checks a required, trimmed text field and its maximum length in characters.
    public mutating func text(_ field: String, _ value: String, max: Int, required: Bool = true) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            if required { add(field, "required", "is required") }
        } else if value.count > max {
            add(field, "too-long", "is \(value.count) characters; at most \(max) allowed")
        } else if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            add(field, "control-character", "contains a control character")
        }
    }

    /// Throws ``ValidationError`` when any issue was collected.
    public func check() throws(ValidationError) {
        if !issues.isEmpty { throw ValidationError(issues) }
    }
}
