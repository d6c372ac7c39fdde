import Foundation

/// How names and resident ID numbers are shown on a public notice (公示): enough for neighbours
/// to recognise a household, not enough to expose a person.
///
/// | value | shown |
/// | --- | --- |
/// | `张明` (two characters) | `张*` |
/// | `张小明` (three) | `张*明` |
/// | `欧阳小明` (longer) | `欧**明`: first and last kept, one `*` per hidden character |
/// | `110105194912310021` | `110105********0021`: the first 6 (the area) and last 4 kept |
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

    /// A resident ID number with all but its first 6 and last 4 characters hidden; a text of
    /// 10 characters or fewer is hidden whole.
    public static func residentID(_ id: String) -> String {
        let chars = Array(id.trimmingCharacters(in: .whitespacesAndNewlines))
        guard chars.count > 10 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(6)) + String(repeating: "*", count: chars.count - 10) + String(chars.suffix(4))
    }
}
