import ArgumentParser
import FieldRollCore

/// A failure the CLI reports as one line, `error[code]: message`, with exit status 1.
struct CLIFailure: Error, CustomStringConvertible {
    let code: ErrorCode
    let message: String

    var description: String { "error[\(code)]: \(message)" }
}
