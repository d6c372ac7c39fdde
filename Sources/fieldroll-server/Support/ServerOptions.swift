import ArgumentParser
import FieldRollCore
import FieldRollServer
import Foundation

/// Where the server's data lives, shared by every subcommand. Each option can also come from an
/// environment variable or a configuration file (flags win over the environment, the
/// environment over the file).
struct ServerOptions: ParsableArguments {
    @Option(
        name: .long,
        help:
            "The server's data folder: fieldroll.sqlite and blobs/ [env FIELDROLL_DATA; default /var/lib/fieldroll for root, else $XDG_DATA_HOME/fieldroll-server or ~/.local/share/fieldroll-server]."
    )
    var data: String?

    @Option(
        name: .long,
        help:
            "postgres://user:password@host:port/database to use PostgreSQL instead of SQLite; add ?sslmode=verify-full&sslrootcert=CA.pem for a database on another machine [env FIELDROLL_DATABASE_URL]."
    )
    var database: String?

    @Option(name: .long, help: "The photo folder, shared by every server process [env FIELDROLL_BLOBS; default DATA/blobs].")
    var blobs: String?

    @Option(
        name: .long,
        help: "A KEY=VALUE file of the FIELDROLL_* settings (the same file can be a systemd EnvironmentFile) [env FIELDROLL_CONFIG].")
    var config: String?

    /// The settings after flags, environment and configuration file.
    func settings() throws -> Settings {
        try Settings(configFile: config ?? ProcessInfo.processInfo.environment["FIELDROLL_CONFIG"])
    }

    /// The server configuration these options and the environment name.
    func configuration() throws -> ServerConfiguration {
        let s = try settings()
        // Absolute from here on, so every message names the folder actually used.
        let folder = data ?? s.value("FIELDROLL_DATA") ?? Self.defaultDataFolder()
        var c = ServerConfiguration(dataDirectory: URL(fileURLWithPath: folder).standardizedFileURL.path)
        c.databaseURL = database ?? s.value("FIELDROLL_DATABASE_URL")
        if let url = c.databaseURL, !(url.hasPrefix("postgres://") || url.hasPrefix("postgresql://")) {
            throw CLIFailure(
                code: .invalidConfiguration, message: "--database must be a postgres:// URL (leave it out for SQLite in --data)")
        }
        c.blobDirectoryOverride = (blobs ?? s.value("FIELDROLL_BLOBS")).map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        c.benefitRule = try s.benefitRule()
        c.standardGuard = try s.standardGuard()
        c.noticeContact = s.value("FIELDROLL_NOTICE_CONTACT")
        do { c.checkInSchedule = try CheckInSchedule(settings: { s.value($0) }) } catch {
            throw CLIFailure(code: error.code, message: error.message)
        }
        do { c.reviewChains = try ReviewChains(settings: { s.value($0) }) } catch {
            throw CLIFailure(code: error.code, message: error.message)
        }
        return c
    }

    /// Where the data lives when neither `--data` nor `FIELDROLL_DATA` says: never the current
    /// folder, so a command run from another folder finds the same server (or none, `no-server`).
    static func defaultDataFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if getuid() == 0 { return "/var/lib/fieldroll" }
        if let xdg = environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/fieldroll-server" }
        let home = environment["HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? NSHomeDirectory()
        return home + "/.local/share/fieldroll-server"
    }

    /// Opens the existing server these options name.
    /// - Throws: `no-server` when there is none (run `fieldroll-server init`).
    func open() async throws -> SyncPipeline {
        try await ServerOpener.open(try configuration()).0
    }
}

/// `FIELDROLL_*` settings from the environment and an optional KEY=VALUE file.
struct Settings {
    /// Every setting a file may hold; anything else is a typo and refused.
    static let known: Set<String> = Set([
        "FIELDROLL_DATA", "FIELDROLL_DATABASE_URL", "FIELDROLL_BLOBS", "FIELDROLL_HOST", "FIELDROLL_PORT", "FIELDROLL_CONFIG",
        "FIELDROLL_MAX_PUSH_BYTES", "FIELDROLL_MAX_CHANGES", "FIELDROLL_MAX_BLOB_BYTES", "FIELDROLL_MAX_CLOCK_DRIFT",
        "FIELDROLL_DRAIN_SECONDS", "FIELDROLL_STORAGE_TIMEOUT", "FIELDROLL_DEVICE_PHOTOS", "FIELDROLL_CONSOLE_SESSION_HOURS",
        "FIELDROLL_TRUSTED_PROXIES",
        "FIELDROLL_BACKUP_DIR", "FIELDROLL_BACKUP_KEEP_DAYS",
        "FIELDROLL_BENEFIT_ROUNDING", "FIELDROLL_BENEFIT_MINIMUM", "FIELDROLL_NOTICE_CONTACT", "FIELDROLL_STANDARD_MAX_CUT",
    ]).union(CrossCheckThresholds.settingNames).union(CheckInSchedule.settingNames)
        .union(ReviewChains.settingNames)
    var file: [String: String] = [:]

    init(configFile: String?) throws {
        guard let path = configFile else { return }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CLIFailure(code: .invalidConfiguration, message: "cannot read the configuration file \(path)")
        }
        file = try Self.parse(text, path: path)
    }

    /// Parses `KEY=VALUE` lines; `#` starts a comment line; values may be quoted.
    static func parse(_ text: String, path: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw CLIFailure(code: .invalidConfiguration, message: "\(path) line \(i + 1): expected KEY=VALUE")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            guard known.contains(key) else {
                throw CLIFailure(code: .invalidConfiguration, message: "\(path) line \(i + 1): unknown setting \(key)")
            }
            out[key] = value
        }
        return out
    }

    /// The environment's value, else the file's.
    func value(_ key: String) -> String? {
        if let v = ProcessInfo.processInfo.environment[key], !v.isEmpty { return v }
        return file[key]
    }

    /// The benefit rule: `FIELDROLL_BENEFIT_ROUNDING` (fen, yuan-up, yuan-half-up, yuan-down;
    /// default fen) and `FIELDROLL_BENEFIT_MINIMUM` (yuan, e.g. `10` or `10.50`; default 0).
    func benefitRule() throws -> BenefitRule {
        var rule = BenefitRule.standard
        if let text = value("FIELDROLL_BENEFIT_ROUNDING") {
            guard let r = BenefitRule.Rounding(rawValue: text) else {
                throw CLIFailure(
                    code: .invalidConfiguration,
                    message:
                        "FIELDROLL_BENEFIT_ROUNDING must be one of \(BenefitRule.Rounding.wireNames.joined(separator: ", ")), not \"\(text.prefix(40))\""
                )
            }
            rule.rounding = r
        }
        if let text = value("FIELDROLL_BENEFIT_MINIMUM") {
            guard let fen = try? Fen(yuan: text), fen >= .zero else {
                throw CLIFailure(
                    code: .invalidConfiguration,
                    message: "FIELDROLL_BENEFIT_MINIMUM must be an amount in yuan such as 10 or 10.50, not \"\(text.prefix(40))\"")
            }
            rule.minimum = fen
        }
        return rule
    }

    /// When a new standard needs `--confirm`: `FIELDROLL_STANDARD_MAX_CUT`, the largest cut of a
    /// household's amount in percent (0–100, default 20) that passes without it.
    func standardGuard() throws -> StandardGuard {
        guard let cut = try int("FIELDROLL_STANDARD_MAX_CUT") else { return .standard }
        guard (0...100).contains(cut) else {
            throw CLIFailure(
                code: .invalidConfiguration, message: "FIELDROLL_STANDARD_MAX_CUT must be a percentage from 0 to 100, not \(cut)")
        }
        return StandardGuard(maxCutPercent: cut)
    }

    /// A whole-number setting, or nil when unset.
    func int(_ key: String) throws -> Int? {
        guard let text = value(key) else { return nil }
        guard let n = Int(text) else {
            throw CLIFailure(code: .invalidConfiguration, message: "\(key) must be a whole number, not \"\(text.prefix(40))\"")
        }
        return n
    }
}
