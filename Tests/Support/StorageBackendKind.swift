import Foundation

/// The storage backends every server test runs against.
public enum StorageBackendKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// A fresh database for one test: nil for SQLite (the data folder holds it), a new database
    /// in the throwaway PostgreSQL cluster otherwise. Never skips: if PostgreSQL cannot start,
    /// this throws and the test fails. Opening may take up to a minute: with every suite running
    /// at once on two cores, the cluster can take longer than the 10 s a real server allows.
    public func freshDatabaseURL() throws -> String? {
        switch self {
        case .sqlite: nil
        case .postgres: try ThrowawayPostgres.shared().createDatabase() + "?connect_timeout=60"
        }
    }
}
