import FieldRollCore

/// Words of the console that come from the code table: each error code's title in the
/// person's language, so a refusal page never shows a bare code or an English title inside a
/// Chinese page.
enum ConsoleText {
    /// The title of `code` in `lang`: both come from the code table (``ErrorCodeDefinition/chineseTitle``);
    /// a code neither knows (from a newer peer) shows the generic "not done".
    static func title(of code: ErrorCode, in lang: ConsoleLanguage) -> String {
        switch lang {
        case .zh: code.definition?.chineseTitle ?? lang.text("error_title")
        case .en: code.definition?.title ?? lang.text("error_title")
        }
    }
}
