import FieldRollCore
import Foundation

/// The text encodings FieldRoll reads other departments' CSV exports in: UTF-8 (with or without
/// a byte-order mark) and GB18030, the national standard that contains GBK and GB 2312 — what
/// Chinese government systems and older spreadsheet programs write.
///
/// `auto` reads a file as UTF-8 when its bytes are valid UTF-8 and as GB18030 otherwise. GBK
/// text is almost never valid UTF-8 (its lead bytes 0x81–0xFE are followed by bytes that UTF-8
/// forbids there), so the guess is safe for real exports.
///
/// ```swift
/// let (text, used) = try TextEncoding.auto.decode(bytes, name: "vehicles.csv")   // used: .gb18030
/// ```
public enum TextEncoding: String, Sendable, Hashable, CaseIterable, Codable {
    case auto
    case utf8 = "utf-8"
    case gb18030

    /// Foundation's GB18030 encoding (CoreFoundation's `kCFStringEncodingGB_18030_2000`, 0x0632,
    /// as an `NSStringEncoding`); swift-corelibs-foundation decodes it through ICU.
    static let foundationGB18030 = String.Encoding(rawValue: 0x8000_0632)

    /// The text of `data`, and the encoding it was read in (never `auto`).
    /// - Throws: ``CSVFileError`` `unsupported-encoding` when the bytes are not text in the
    ///   encoding asked for (with `auto`: neither UTF-8 nor GB18030).
    public func decode(_ data: Data, name: String) throws(CSVFileError) -> (String, TextEncoding) {
        switch self {
        case .utf8:
            if let text = String(validating: data, as: UTF8.self) { return (text, .utf8) }
            throw CSVFileError(.unsupportedEncoding, "\(name) is not UTF-8 text; try --encoding gb18030 (or auto)")
        case .gb18030:
            if let text = Self.gb18030(data) { return (text, .gb18030) }
            throw CSVFileError(.unsupportedEncoding, "\(name) is not GB18030/GBK text; try --encoding utf-8 (or auto)")
        case .auto:
            if let text = String(validating: data, as: UTF8.self) { return (text, .utf8) }
            if let text = Self.gb18030(data) { return (text, .gb18030) }
            throw CSVFileError(
                .unsupportedEncoding, "\(name) is neither UTF-8 nor GB18030/GBK text\(Self.hint(data)); save it as CSV UTF-8")
        }
    }

    /// What the bytes of a file that is not the text expected look like, for the message:
    /// `: it is GB18030/GBK text cut off in the middle of a character at its end …`,
    /// `: it is GB18030/GBK text`, `: it is UTF-16 text`, or nothing when they look like none of these.
    static func hint(_ data: Data) -> String {
        let head = data.prefix(2)
        if head == Data([0xFF, 0xFE]) || head == Data([0xFE, 0xFF]) || data.prefix(512).contains(0) {
            return ": it looks like UTF-16 text (Excel's \"Unicode text\")"
        }
        if gb18030(data) != nil { return ": it is GB18030/GBK text" }
        // A GBK character is 2 bytes (a GB18030 one up to 4): a file cut short ends inside one.
        for cut in 1...3 where data.count > cut {
            if gb18030(data.dropLast(cut)) != nil {
                return ": it is GB18030/GBK text cut off in the middle of a character at its end (byte \(data.count - cut + 1) of "
                    + "\(data.count)); the file looks incomplete, export or copy it again"
            }
        }
        return ""
    }

    /// GB18030 bytes as text, or nil when they are not valid GB18030.
    static func gb18030(_ data: Data) -> String? {
        // An empty file is empty text in any encoding (Foundation answers nil for it).
        if data.isEmpty { return "" }
        return String(data: data, encoding: foundationGB18030)
    }
}
