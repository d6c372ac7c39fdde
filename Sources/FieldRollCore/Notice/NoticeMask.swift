import Foundation

/// How names and resident ID numbers are shown on a public notice (公示): enough for neighbours
/// to recognise a household, not enough to expose a person.
///
/// | value | shown |
/// | --- | --- |
/// | `张明` (two characters) | `张*` |
/// | `张小明` (three) | `张*明` |
/// | `欧阳小明` (longer) | `欧**明`: first and last kept, one `*` per hidden character |
/// | `110105194912310021` | `110105********0021`: the birth digits hidden (``Disclosure``) |
public enum NoticeMask {
    /// A person's name with every character but the first (and, from three characters, the last) hidden.
    public static func name(_ name: String) -> String {
        let chars = Array(name.trimmingCharacters(in: .whitespacesAndNewlines))
        switch chars.count {
        case 0: return ""
        case 1: return "*"
        case 2: return String(chars[0]) + "*"
        default: return String(chars[0]) + String(repeating: "*", count: chars.count - 2) + String(chars[chars.count - 1])
        }
    }

    /// A resident ID number with its birth digits hidden: ``Disclosure/maskResidentID(_:)``,
    /// the rule every page and export shares.
    public static func residentID(_ id: String) -> String { Disclosure.maskResidentID(id) }
}
