/// An error that carries a stable ``ErrorCode`` and a message fit for a person.
///
/// Every error FieldRoll reports to a user or a peer conforms, so the server can turn it into
/// problem+json and the CLIs into a one-line message (`error[code]: message`) without knowing
/// its concrete type.
public protocol FieldRollError: Error, Sendable, CustomStringConvertible {
    /// The stable machine code, for example `scope-violation`.
    var code: ErrorCode { get }
    /// One sentence that says what went wrong and, where it helps, what to do.
    var message: String { get }
}

extension FieldRollError {
    public var description: String { "\(code): \(message)" }
}
