import FieldRollCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the commands print for scripts (`--json`: one JSON object on one line, keys sorted)
/// and for people (progress on a terminal).
enum CLIOutput {
    /// Prints one JSON object, built from values, never from strings pasted together.
    static func json(_ members: [String: JSONValue]) {
        print(String(decoding: JSONValue.object(members).canonicalBytes, as: UTF8.self))
    }

    /// A value as one line of JSON, keys sorted.
    static func encoded<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Whether standard output is a terminal (progress bars) or a pipe or file (plain lines).
    static var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Redraws a one-line progress bar on a terminal: `label [#####     ] done/total`.
    static func progress(_ label: String, done: Int, total: Int) {
        guard isTerminal, total > 0 else { return }
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        let line = "\r\u{1B}[K\(label) [\(bar)] \(done)/\(total)" + (done >= total ? "\n" : "")
        FileHandle.standardOutput.write(Data(line.utf8))
    }
}
