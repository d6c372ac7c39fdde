import FieldRollCore

/// A visit's answers as the console shows them: each question by its name in the person's
/// language (``SurveyQuestion``'s keys and the ones devices use), each answer as people read it
/// (income in yuan, a member's work by the member's name). A question the office does not know
/// (a device's own) shows by its key.
enum ConsoleAnswers {
    struct Row {
        var key: String
        var question: String
        var answer: String
    }

    /// The rows, in a stable order: income first, then work, the home, the rest.
    static func rows(_ answers: [String: JSONValue], members: [String: String], lang: ConsoleLanguage) -> [Row] {
        func order(_ key: String) -> Int {
            key.hasPrefix("income.") ? 0 : key.hasPrefix("work.") ? 1 : key.hasPrefix("housing.") ? 2 : key.hasPrefix("survey.") ? 4 : 3
        }
        return answers.keys.sorted { (order($0), $0) < (order($1), $1) }.compactMap { key in
            guard let value = answers[key] else { return nil }
            let text = value.stringValue ?? value.intValue.map(String.init) ?? CanonicalJSON.string(value)
            if key.hasPrefix("work.") {
                let member = members[String(key.dropFirst(5))] ?? String(key.dropFirst(5).prefix(8))
                return Row(key: key, question: lang.text("question_work", ["member": member]), answer: word("work_", text, lang))
            }
            let question = lang.strings["question_\(key)"] ?? key
            if SurveyQuestion.isIncomeAnswer(key), let fen = value.intValue {
                return Row(key: key, question: question, answer: lang.text("yuan", ["amount": Fen(fen).description]))
            }
            switch key {
            case SurveyQuestion.housingCondition: return Row(key: key, question: question, answer: word("housing_", text, lang))
            case SurveyQuestion.housingArea: return Row(key: key, question: question, answer: lang.text("square_metres", ["n": text]))
            case SurveyQuestion.source: return Row(key: key, question: question, answer: word("source_", text, lang))
            default: return Row(key: key, question: question, answer: word("answer_", text, lang))
            }
        }
    }

    /// A coded answer's word (`work_farming` → 务农); any other answer as it was given.
    private static func word(_ prefix: String, _ value: String, _ lang: ConsoleLanguage) -> String {
        lang.strings[prefix + value] ?? value
    }
}

extension SurveyQuestion {
    /// Whether `key` is an amount in fen the server sums (an income key, not its notes).
    static func isIncomeAnswer(_ key: String) -> Bool { SurveyAnswer.isIncome(key) && key != incomeNotes }
}
