import ArgumentParser
import FieldRollClient
import FieldRollCore
import Foundation

/// Where the store is and how to unlock it: shared by every subcommand.
struct StoreOptions: ParsableArguments {
    @Option(help: "The device store's folder [env FIELDROLL_DEVICE; default $XDG_DATA_HOME/fieldroll, else ~/.local/share/fieldroll].")
    var data: String?
    @Option(help: "A file whose first line is the passphrase (else FIELDROLL_PASSPHRASE, else a prompt).") var passphraseFile: String?
    @Option(help: "A kiosk's 32-byte key file instead of a passphrase.") var keyFile: String?
    @Flag(help: "Print JSON for scripts instead of text for people.") var json = false

    /// The store's folder, absolute: `--data`, else `FIELDROLL_DEVICE`, else the user's data
    /// folder — never silently the folder the command happens to run in.
    var directory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let path = data ?? environment["FIELDROLL_DEVICE"] { return URL(fileURLWithPath: path).standardizedFileURL }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") {
            return URL(fileURLWithPath: xdg).appendingPathComponent("fieldroll")
        }
        let home = environment["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".local/share/fieldroll")
    }

    func credential() throws -> Credential {
        if let keyFile { return .keyFile(URL(fileURLWithPath: keyFile)) }
        if let passphraseFile {
            guard let text = try? String(contentsOfFile: passphraseFile, encoding: .utf8) else {
                throw ClientError(.notFound, "cannot read the passphrase file \(passphraseFile)")
            }
            return .passphrase(String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""))
        }
        if let env = ProcessInfo.processInfo.environment["FIELDROLL_PASSPHRASE"] { return .passphrase(env) }
        if isatty(STDIN_FILENO) == 1, let typed = getpass("Passphrase: ") { return .passphrase(String(cString: typed)) }
        throw ClientError(.wrongKey, "no passphrase: set FIELDROLL_PASSPHRASE, or use --passphrase-file or --key-file")
    }

    func open() throws -> DeviceStore { try DeviceStore.open(at: directory, credential: try credential()) }
}

/// Output helpers.
enum Output {
    static func json<T: Encodable>(_ value: T) throws {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try e.encode(value), as: UTF8.self))
    }

    /// Terminal columns a string takes: CJK characters are two wide.
    static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) {
            $0
                + ((0x1100...0x115F).contains($1.value) || (0x2E80...0xA4CF).contains($1.value) || (0xAC00...0xD7A3).contains($1.value)
                    || (0xF900...0xFAFF).contains($1.value) || (0xFF00...0xFF60).contains($1.value) ? 2 : 1)
        }
    }

    static func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(1, n - width(s))) }

    /// A table with a header row, columns padded to fit.
    static func table(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { i in ([header] + rows).map { width($0[i]) }.max() ?? 0 }
        for row in [header] + rows {
            print(row.enumerated().map { i, c in i == row.count - 1 ? c : pad(c, widths[i] + 2) }.joined())
        }
    }
}

/// Parsing helpers that turn bad input into one-line errors with codes.
enum Parse {
    static func region(_ s: String) throws -> RegionCode { try RegionCode(s) }

    static func id<E>(_ s: String, _ what: String) throws -> Identifier<E> { try Identifier<E>(s, field: what) }

    static func choice<C: CaseIterable & RawRepresentable>(_ s: String, _ field: String) throws -> C where C.RawValue == String {
        guard let v = C(rawValue: s) else {
            throw ValidationError([
                FieldIssue(field: field, reason: "not-a-choice", message: "\"\(s)\" is not one of \(C.wireNames.joined(separator: ", "))")
            ])
        }
        return v
    }

    static func yuan(_ s: String, _ field: String) throws -> Fen { try Fen(yuan: s, field: field) }

    static func instant(_ s: String?, default now: Instant) throws -> Instant {
        guard let s else { return now }
        return try Instant(s.count == 19 ? s + "Z" : s)
    }
}
