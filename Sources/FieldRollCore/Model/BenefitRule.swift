/// How the gap a household falls below its standard becomes the monthly amount paid: the
/// rounding and the minimum payment. Integer fen only; no floating point anywhere.
///
/// The gap is `standard × size − total income`, already whole fen. The rule then
/// 1. treats a gap of zero or less as *not eligible* (amount 0),
/// 2. rounds the gap (``Rounding``; by default not at all: to the fen),
/// 3. raises a positive amount below ``minimum`` to the minimum.
///
/// ```swift
/// let rule = BenefitRule(rounding: .yuanUp, minimum: .yuan(10))
/// rule.amount(gap: Fen(1_234))   // 12.34 yuan → 13.00 yuan
/// rule.amount(gap: Fen(250))     // 2.50 yuan → 3.00 yuan → the minimum, 10.00 yuan
/// ```
public struct BenefitRule: Hashable, Codable, Sendable {
    /// How the gap is rounded.
    public enum Rounding: String, Codable, Sendable, CaseIterable {
        /// To the fen: the gap as it is (the default).
        case fen
        /// Up to the next whole yuan (12.01 → 13.00).
        case yuanUp = "yuan-up"
        /// To the nearest whole yuan, half a yuan up (12.49 → 12.00, 12.50 → 13.00).
        case yuanHalfUp = "yuan-half-up"
        /// Down to the whole yuan (12.99 → 12.00).
        case yuanDown = "yuan-down"
    }

    /// How the gap is rounded.
    public var rounding: Rounding
    /// The least a household found eligible is paid a month (0: no minimum).
    public var minimum: Fen

    /// To the fen, no minimum.
    public static let standard = BenefitRule(rounding: .fen, minimum: .zero)

    /// Makes a rule from a rounding and a minimum monthly amount in fen.
    public init(rounding: Rounding, minimum: Fen) {
        self.rounding = rounding
        self.minimum = minimum
    }

    /// The monthly amount for a gap; 0 when the gap is zero or less (not eligible).
    public func amount(gap: Fen) -> Fen {
        guard gap > .zero else { return .zero }
        let fen = gap.rawValue
        let rounded: Int64 =
            switch rounding {
            case .fen: fen
            case .yuanUp: (fen + 99) / 100 * 100
            case .yuanHalfUp: (fen + 50) / 100 * 100
            case .yuanDown: fen / 100 * 100
            }
        return max(Fen(rounded), minimum)
    }

    /// One line for people: `to the fen, no minimum`, `up to the yuan, at least 10.00 yuan`.
    public var summary: String {
        let how =
            switch rounding {
            case .fen: "to the fen"
            case .yuanUp: "up to the yuan"
            case .yuanHalfUp: "to the nearest yuan (half up)"
            case .yuanDown: "down to the yuan"
            }
        return minimum > .zero ? "\(how), at least \(minimum) yuan" : "\(how), no minimum"
    }
}

/// What the means test gives for one household under one standard: the figures the amount
/// came from, kept with every ``AmountChange`` so anyone can redo the sum.
public struct BenefitComputation: Hashable, Codable, Sendable {
    /// Monthly standard per person, in fen.
    public var perCapitaStandard: Fen
    /// Members in the household.
    public var size: Int
    /// Total monthly income of the household, in fen.
    public var income: Fen
    /// `perCapitaStandard × size − income` (may be negative).
    public var gap: Fen
    /// The monthly amount after the ``BenefitRule``; 0: not eligible.
    public var amount: Fen

    /// Makes a computation from its figures as given.
    public init(perCapitaStandard: Fen, size: Int, income: Fen, gap: Fen, amount: Fen) {
        self.perCapitaStandard = perCapitaStandard
        self.size = size
        self.income = income
        self.gap = gap
        self.amount = amount
    }

    /// Whether the household qualifies: a positive amount.
    public var eligible: Bool { amount > .zero }
}
