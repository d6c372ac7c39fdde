/// Survey answers as a person types them, turned into the values a visit carries.
///
/// Money has one unit wherever people type it: yuan with at most two decimals (`1350`,
/// `1350.5`, `1350.50`). An income answer (a key starting with `income.`) is converted here,
/// once, to whole fen — the unit the visit is signed and sent in (`1350.00` → `135000`). A
/// value that is not a non-negative yuan amount is refused with the field named, so nothing
/// is left out silently when the server later sums the income.
///
///     try SurveyAnswer.value(key: "income.wages", typed: "1350.00", field: "--answer income.wages")  // .int(135000)
///     try SurveyAnswer.value(key: "housing.condition", typed: "漏雨", field: "--answer housing.condition")  // .string("漏雨")
public enum SurveyAnswer {
    /// Whether `key` is an income answer, summed by the server for the benefit amount.
    public static func isIncome(_ key: String) -> Bool { key.hasPrefix("income.") }

    /// The value of an answer typed as text: for an income key, fen from yuan; otherwise a whole
    /// number stays a number and anything else is text.
    /// - Parameters:
    ///   - key: the answer's key (`income.wages`, `housing.condition`).
    ///   - text: the value as the person typed it.
    ///   - field: how the person named the value (`--answer income.wages`), for the error.
    /// - Throws: ``ValidationError`` (`invalid-record`) naming `field` when an income answer is
    ///   not an amount in yuan with at most two decimals, or is negative.
    public static func value(key: String, typed text: String, field: String) throws(ValidationError) -> JSONValue {
        guard isIncome(key) else { return Int64(text).map(JSONValue.int) ?? .string(text) }
        return .int(try yuan(text, field: field).rawValue)
    }

    /// An answer from a JSON object of answers (`--answers-file`): income answers are yuan there
    /// too, as a string (`"1350.50"`) or a number (`1350.5`); other answers are kept as they are.
    /// - Throws: ``ValidationError`` naming `field` for an income answer that is not a yuan amount.
    public static func value(key: String, json: JSONValue, field: String) throws(ValidationError) -> JSONValue {
        guard isIncome(key) else { return json }
        switch json {
        case .string(let text): return .int(try yuan(text, field: field).rawValue)
        case .int(let whole): return .int(try yuan(String(whole), field: field).rawValue)
        // A JSON number with a fraction: its shortest decimal text is what was written (1350.5).
        case .double(let d): return .int(try yuan("\(d)", field: field).rawValue)
        default:
            throw ValidationError([
                FieldIssue(field: field, reason: "bad-format", message: "is not an amount in yuan with at most two decimals")
            ])
        }
    }

    private static func yuan(_ text: String, field: String) throws(ValidationError) -> Fen {
        let fen = try Fen(yuan: text, field: field)
        guard fen >= .zero else {
            throw ValidationError([
                FieldIssue(field: field, reason: "out-of-range", message: "\"\(text.prefix(20))\" is negative; income is never below 0")
            ])
        }
        return fen
    }
}
