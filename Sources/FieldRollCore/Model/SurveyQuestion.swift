/// The questions of the household survey (入户调查) that the office knows by name: the keys a
/// visit's answers use, so every device and the office's console ask and show the same ones.
/// Devices may add questions of their own; those are shown by their keys.
public enum SurveyQuestion {
    /// The income sources, each an answer in fen (`income.<source>`) that the server sums.
    public static let incomeSources = ["wages", "farm", "business", "property", "pension", "transfer", "other"]

    /// What a member does for a living, the answer `work.<member id>` (a ``WorkStatus``).
    public static let workStatuses = WorkStatus.allCases.map(\.rawValue)

    /// The condition of the home, the answer `housing.condition`.
    public static let housingConditions = ["safe", "basic", "dangerous", "none"]

    /// The answer naming the two investigators who signed the paper sheet (`张三、李四`).
    public static let investigators = "survey.investigators"
    /// The answer saying how the survey reached the server: `paper` for a sheet entered at the township.
    public static let source = "survey.source"
    /// The answer naming the office account that entered a paper sheet.
    public static let enteredBy = "survey.enteredBy"
    /// The answer with the home's floor area in square metres.
    public static let housingArea = "housing.area"
    /// The answer with the home's condition (one of ``housingConditions``).
    public static let housingCondition = "housing.condition"
    /// The answer with notes on income that fit no source.
    public static let incomeNotes = "income.notes"
}
