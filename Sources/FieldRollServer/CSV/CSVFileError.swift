import FieldRollCore

/// A CSV file that cannot be read: missing, not UTF-8, or not CSV.
///
/// The code says which: `not-found`, `unsupported-encoding` (for example a GBK export from an
/// older spreadsheet program) or `invalid-csv` (the message names the file and line).
public struct CSVFileError: FieldRollError, Hashable {
    public var code: ErrorCode
    public var message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }
}
