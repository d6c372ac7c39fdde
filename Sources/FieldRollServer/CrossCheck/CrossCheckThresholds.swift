import FieldRollCore

/// The limits the cross-check rules compare department data with. Every value has a documented
/// default (docs/crosscheck.md); `fieldroll-server` reads overrides from `FIELDROLL_CROSSCHECK_*`
/// settings (environment or `--config` file).
public struct CrossCheckThresholds: Sendable, Hashable, Codable {
    /// `vehicle-value`: a vehicle valued above this flags its owner's household
    /// (`FIELDROLL_CROSSCHECK_VEHICLE_VALUE_YUAN`, default 50,000 yuan).
    public var vehicleValue: Fen = .yuan(50_000)
    /// `property-count`: properties a household may own (the home it lives in)
    /// (`FIELDROLL_CROSSCHECK_PROPERTIES_ALLOWED`, default 1).
    public var propertiesAllowed: Int = 1
    /// `deposits-per-capita`: the monthly standard the deposit limit is counted in
    /// (`FIELDROLL_CROSSCHECK_MONTHLY_STANDARD_YUAN`, default 725 yuan).
    public var monthlyStandard: Fen = .yuan(725)
    /// `deposits-per-capita`: how many months of the standard each member may hold
    /// (`FIELDROLL_CROSSCHECK_DEPOSIT_MONTHS`, default 24).
    public var depositMonths: Int = 24
    /// `deposits-per-capita`: a fixed limit per member that replaces months × standard when set
    /// (`FIELDROLL_CROSSCHECK_DEPOSITS_PER_CAPITA_YUAN`, default unset).
    public var depositsPerCapitaFixed: Fen? = nil
    /// `income-above-declared`: how far a month of taxable income may exceed the declared monthly
    /// income before it flags (`FIELDROLL_CROSSCHECK_INCOME_TOLERANCE_YUAN`, default 0).
    public var incomeTolerance: Fen = .zero
    /// `active-business`: registration statuses that count as active
    /// (`FIELDROLL_CROSSCHECK_ACTIVE_BUSINESS_STATUSES`, comma-separated; default below).
    public var activeBusinessStatuses: Set<String> = ["active", "在业", "存续", "开业", "正常"]

    public init() {}

    /// The deposits each member may hold before `deposits-per-capita` flags.
    public var depositsPerCapita: Fen { depositsPerCapitaFixed ?? monthlyStandard * Int64(depositMonths) }

    /// The `FIELDROLL_CROSSCHECK_*` setting names, in the order the documentation lists them.
    public static let settingNames = [
        "FIELDROLL_CROSSCHECK_VEHICLE_VALUE_YUAN", "FIELDROLL_CROSSCHECK_PROPERTIES_ALLOWED",
        "FIELDROLL_CROSSCHECK_MONTHLY_STANDARD_YUAN", "FIELDROLL_CROSSCHECK_DEPOSIT_MONTHS",
        "FIELDROLL_CROSSCHECK_DEPOSITS_PER_CAPITA_YUAN", "FIELDROLL_CROSSCHECK_INCOME_TOLERANCE_YUAN",
        "FIELDROLL_CROSSCHECK_ACTIVE_BUSINESS_STATUSES",
    ]

    /// Thresholds from settings; `value` answers a setting's text or nil when unset.
    /// - Throws: ``CrossCheckSettingError`` (`invalid-configuration`) naming a bad value.
    public init(settings value: (String) -> String?) throws(CrossCheckSettingError) {
        func money(_ key: String) throws(CrossCheckSettingError) -> Fen? {
            guard let text = value(key) else { return nil }
            guard let fen = try? Fen(yuan: text, field: key), fen >= .zero else {
                throw CrossCheckSettingError(message: "\(key) must be an amount in yuan (at most two decimals), not \"\(text.prefix(40))\"")
            }
            return fen
        }
        func count(_ key: String) throws(CrossCheckSettingError) -> Int? {
            guard let text = value(key) else { return nil }
            guard let n = Int(text), n >= 0 else {
                throw CrossCheckSettingError(message: "\(key) must be a whole number ≥ 0, not \"\(text.prefix(40))\"")
            }
            return n
        }
        self.init()
        if let v = try money("FIELDROLL_CROSSCHECK_VEHICLE_VALUE_YUAN") { vehicleValue = v }
        if let v = try count("FIELDROLL_CROSSCHECK_PROPERTIES_ALLOWED") { propertiesAllowed = v }
        if let v = try money("FIELDROLL_CROSSCHECK_MONTHLY_STANDARD_YUAN") { monthlyStandard = v }
        if let v = try count("FIELDROLL_CROSSCHECK_DEPOSIT_MONTHS") { depositMonths = v }
        depositsPerCapitaFixed = try money("FIELDROLL_CROSSCHECK_DEPOSITS_PER_CAPITA_YUAN")
        if let v = try money("FIELDROLL_CROSSCHECK_INCOME_TOLERANCE_YUAN") { incomeTolerance = v }
        if let text = value("FIELDROLL_CROSSCHECK_ACTIVE_BUSINESS_STATUSES") {
            let statuses = Set(
                text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
            guard !statuses.isEmpty else {
                throw CrossCheckSettingError(message: "FIELDROLL_CROSSCHECK_ACTIVE_BUSINESS_STATUSES names no status")
            }
            activeBusinessStatuses = statuses
        }
    }
}

/// A `FIELDROLL_CROSSCHECK_*` setting that cannot be read.
public struct CrossCheckSettingError: FieldRollError {
    public var code: ErrorCode { .invalidConfiguration }
    public var message: String
}
