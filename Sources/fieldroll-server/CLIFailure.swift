import FieldRollCore

/// A failure the CLI reports as one line, `error[code]: message`, with exit status 1.
struct CLIFailure: FieldRollError {
    let code: ErrorCode
    let message: String
}
