import FieldRollCore
import Foundation

extension CSVTable {
    /// Reads and parses a CSV file as offices keep them: UTF-8, with or without a byte-order mark.
    ///
    /// ```swift
    /// let households = try CSVTable(contentsOfFile: "households.csv")
    /// ```
    /// - Throws: ``CSVFileError``: `not-found` when the file cannot be read,
    ///   `unsupported-encoding` when it is not UTF-8, `invalid-csv` naming the line.
    public init(contentsOfFile path: String) throws(CSVFileError) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CSVFileError(.notFound, "cannot read \(path)")
        }
        try self.init(data: data, name: path)
    }

    /// Parses the bytes of a CSV file called `name` (used in messages).
    /// - Throws: ``CSVFileError``: `unsupported-encoding` when the bytes are not UTF-8,
    ///   `invalid-csv` naming the line.
    public init(data: Data, name: String) throws(CSVFileError) {
        guard let text = String(validating: data, as: UTF8.self) else {
            throw CSVFileError(
                .unsupportedEncoding, "\(name) is not UTF-8 text\(TextEncoding.hint(data)); save it as \"CSV UTF-8\" and import again")
        }
        do { try self.init(parsing: text) } catch {
            throw CSVFileError(.invalidCSV, "\(name) line \(error.line): \(error.message)")
        }
    }
}

extension CSVTable {
    /// Reads and parses another department's CSV export, in UTF-8 (with or without a byte-order
    /// mark) or GB18030/GBK (``TextEncoding``); `auto` takes valid UTF-8 as UTF-8, anything else
    /// as GB18030.
    ///
    /// ```swift
    /// let (vehicles, used) = try CSVTable.departmentFile("车辆.csv", encoding: .auto)
    /// ```
    /// - Returns: the table and the encoding it was read in.
    /// - Throws: ``CSVFileError``: `not-found`, `unsupported-encoding`, `invalid-csv` naming the line.
    public static func departmentFile(_ path: String, encoding: TextEncoding) throws(CSVFileError) -> (CSVTable, TextEncoding) {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CSVFileError(.notFound, "cannot read \(path)")
        }
        return try departmentData(data, name: path, encoding: encoding)
    }

    /// Parses the bytes of a CSV file called `name` (used in messages) as
    /// ``departmentFile(_:encoding:)`` reads a file: UTF-8 or GB18030/GBK.
    /// - Returns: the table and the encoding it was read in.
    /// - Throws: ``CSVFileError``: `unsupported-encoding`, `invalid-csv` naming the line.
    public static func departmentData(_ data: Data, name: String, encoding: TextEncoding) throws(CSVFileError) -> (
        CSVTable, TextEncoding
    ) {
        let (text, used) = try encoding.decode(data, name: name)
        do { return (try CSVTable(parsing: text), used) } catch {
            throw CSVFileError(.invalidCSV, "\(name) line \(error.line): \(error.message)")
        }
    }
}
