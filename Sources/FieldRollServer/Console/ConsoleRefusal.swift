import FieldRollCore

/// A refusal the console words itself, already in the person's language: shown as it is, where
/// a refusal from the pipeline shows its code's title and explanation in that language (and the
/// pipeline's own English sentence only on request).
struct ConsoleRefusal: Error, Sendable {
    var code: ErrorCode
    var text: String

    init(_ code: ErrorCode, _ text: String) {
        self.code = code
        self.text = text
    }
}
