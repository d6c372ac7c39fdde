import Foundation

/// One measured figure, with the limit it is measured against where it has one.
///
/// `--json` prints every figure by its name (`push.visits`, `pull.device`, …) as
/// `{"value": …, "unit": …, "limit": …, "share": …}`; `limit` and `share` (value ÷ limit) only
/// where the figure has a ceiling measured in the same run.
struct Figure: Encodable {
    var value: Double
    var unit: String
    var limit: Double?
    var share: Double?

    init(_ value: Double, _ unit: String, limit: Double? = nil) {
        self.value = value.isFinite ? value : 0
        self.unit = unit
        self.limit = limit.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        self.share = self.limit.map { value / $0 }
    }

    /// "1,234 visits/s" or, with a limit, "1,234 visits/s — 41.2% of 2,996".
    var text: String {
        let v = Self.number(value)
        guard let limit, let share else { return "\(v) \(unit)" }
        return "\(v) \(unit) — \(String(format: "%.1f", share * 100))% of \(Self.number(limit))"
    }

    static func number(_ x: Double) -> String {
        if x >= 100 {
            let f = NumberFormatter()
            f.numberStyle = .decimal
            f.maximumFractionDigits = 0
            return f.string(from: NSNumber(value: x.rounded())) ?? String(format: "%.0f", x)
        }
        return String(format: x >= 10 ? "%.1f" : "%.2f", x)
    }
}
