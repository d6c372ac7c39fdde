import Foundation

/// How much of a person's identifiers one viewer may see: the one rule behind the console, the
/// review queue API, the public notice and every CSV export.
///
/// A GB 11643 resident ID carries the birth date in its digits 7–14, so masking the number and
/// showing the birth date beside it gives the masked digits back. Whoever may not see a full
/// resident ID therefore sees no field that rebuilds it:
///
/// | value | ``full`` | ``restricted`` | ``public`` |
/// | --- | --- | --- | --- |
/// | resident ID `11010519491231002X` | as it is | `110105********002X` | `110105********002X` |
/// | old 15-digit ID `110105491231002` | as it is | `110105******002` | `110105******002` |
/// | birth date `1949-12-31` | as it is | `1949` (the year only) | `1949` |
/// | phone `13911112222` | as it is | `*******2222` | `*******2222` |
/// | name `张小明` | as it is | as it is | `张*明` (``NoticeMask/name(_:)``) |
///
/// The masked ID keeps the area code (digits 1–6) and the last four (sequence, sex and check),
/// enough to tell two members apart; the eight birth digits are hidden, and the birth date shows
/// only its year, so month and day stay unknown. Text that is not a resident ID of 18 or 15
/// characters is hidden whole, since no one can say where its birth digits are.
///
/// ```swift
/// let d = Disclosure(role: .reviewer)          // .restricted
/// d.residentID("11010519491231002X")           // "110105********002X"
/// d.birthDate("1949-12-31")                    // "1949"
/// ```
public enum Disclosure: String, Sendable, Hashable, Codable, CaseIterable {
    /// Everything as stored: approvers (who sign decisions that pay money), admins, the office's
    /// own command line.
    case full
    /// Identifiers masked, birth dates as the year: console viewers and reviewers, who need to
    /// tell members apart but not to identify them.
    case restricted
    /// As ``restricted``, and names masked too: the public notice posted in the village.
    case `public`

    /// The disclosure for an API role: a reviewer sees identifiers masked; caseworkers and kiosks
    /// (who collected them), approvers and admins see them whole. Nil (no role that writes,
    /// such as a console viewer) is restricted.
    public init(role: Role?) {
        switch role {
        case .caseworker?, .kiosk?, .approver?, .admin?: self = .full
        case .reviewer?, nil: self = .restricted
        }
    }

    /// Whether identifiers are shown whole.
    public var isFull: Bool { self == .full }

    /// A resident ID number as this viewer sees it.
    public func residentID(_ text: String) -> String {
        isFull ? text : Self.maskResidentID(text)
    }

    /// A birth date as this viewer sees it: whole, or its year only.
    public func birthDate(_ date: CalendarDate) -> String {
        isFull ? date.description : String(date.year)
    }

    /// A birth date written as text (`YYYY-MM-DD`); text that is no date is hidden whole when
    /// restricted, since it may still hold the digits.
    public func birthDate(_ text: String) -> String {
        if isFull { return text }
        guard let date = try? CalendarDate(text) else { return String(repeating: "*", count: text.count) }
        return birthDate(date)
    }

    /// A phone number as this viewer sees it: whole, or its last four digits.
    public func phone(_ text: String) -> String {
        isFull ? text : Self.keepLastFour(text)
    }

    /// A person's name: masked only on the public notice.
    public func name(_ text: String) -> String {
        self == .public ? NoticeMask.name(text) : text
    }

    /// The fields of a household or member record that this rule covers, by wire name.
    public static let fields: Set<String> = ["residentID", "birthDate", "phone"]

    /// Any field's text as this viewer sees it: ``fields`` through their rule, the rest as they are.
    public func field(_ name: String, _ text: String) -> String {
        switch name {
        case "residentID": residentID(text)
        case "birthDate": birthDate(text)
        case "phone": phone(text)
        default: text
        }
    }

    /// The resident ID mask: the 8 birth digits of an 18-character number (or the 6 of an old
    /// 15-digit one) hidden, the area code and the tail kept; anything else hidden whole.
    public static func maskResidentID(_ text: String) -> String {
        let chars = Array(text.trimmingCharacters(in: .whitespacesAndNewlines))
        switch chars.count {
        case 18: return String(chars.prefix(6)) + String(repeating: "*", count: 8) + String(chars.suffix(4))
        case 15: return String(chars.prefix(6)) + String(repeating: "*", count: 6) + String(chars.suffix(3))
        default: return String(repeating: "*", count: chars.count)
        }
    }

    /// All but the last four characters hidden.
    static func keepLastFour(_ text: String) -> String {
        String(repeating: "*", count: max(0, text.count - 4)) + text.suffix(4)
    }
}
