import FieldRollCore

/// A device-side failure with a stable code: the same code the CLI prints.
public struct ClientError: FieldRollError {
    public var code: ErrorCode
    public var message: String

    /// An error with a stable `code` and a message for people.
    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    static func notFound(_ what: String) -> ClientError { ClientError(.notFound, "no \(what) in this device's store") }
}
