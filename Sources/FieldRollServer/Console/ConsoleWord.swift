import FieldRollCore

/// A vocabulary of the rolls whose words the console shows in the person's language: each value
/// is the string `<wordPrefix>_<rawValue>` of ``ConsoleStrings`` (a test checks both languages
/// have every one).
protocol ConsoleWord: RawRepresentable, CaseIterable where RawValue == String {
    static var wordPrefix: String { get }
}

extension ReviewStep: ConsoleWord { static var wordPrefix: String { "step" } }
extension ReviewDecision: ConsoleWord { static var wordPrefix: String { "decision" } }
extension EnrolmentStatus: ConsoleWord { static var wordPrefix: String { "enrolment" } }
extension Programme: ConsoleWord { static var wordPrefix: String { "programme" } }
extension Role: ConsoleWord { static var wordPrefix: String { "device_role" } }
extension StaffRole: ConsoleWord { static var wordPrefix: String { "role" } }
extension CheckInMethod: ConsoleWord { static var wordPrefix: String { "method" } }
extension PhotoKind: ConsoleWord { static var wordPrefix: String { "photo" } }
extension AmountChange.Cause: ConsoleWord { static var wordPrefix: String { "history" } }
extension CrossCheckRule: ConsoleWord { static var wordPrefix: String { "rule" } }
extension ReviewNeed: ConsoleWord { static var wordPrefix: String { "need" } }
extension ConsoleRoutes.ImportKind: ConsoleWord { static var wordPrefix: String { "import_kind" } }
extension DeviceRecord.Status: ConsoleWord { static var wordPrefix: String { "status" } }
extension Relation: ConsoleWord { static var wordPrefix: String { "relation" } }

/// Every vocabulary the console translates, for the test that both languages have each word.
enum ConsoleVocabulary {
    static let keys: [String] = [
        ReviewStep.keys, ReviewDecision.keys, EnrolmentStatus.keys, Programme.keys, Role.keys, StaffRole.keys, CheckInMethod.keys,
        PhotoKind.keys, AmountChange.Cause.keys, CrossCheckRule.keys, ReviewNeed.keys, ConsoleRoutes.ImportKind.keys,
        DeviceRecord.Status.keys,
        Relation.keys,
    ].flatMap { $0 }
}

extension ConsoleWord {
    /// This vocabulary's string keys.
    static var keys: [String] { allCases.map { "\(wordPrefix)_\($0.rawValue)" } }
}
