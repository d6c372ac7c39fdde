import Foundation

/// The storage backends every server test runs against.
public enum StorageBackendKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// A fresh database for one test: nil for SQLite (the data folder holds it), a new database
    /// in the throwaway PostgreSQL cluster otherwise. Never skips: if PostgreSQL cannot start,
    /// this throws and the test fails.
    public func freshDatabaseURL() throws -> String? {
        switch self {
        case .sqlite: nil
        case .postgres: try ThrowawayPostgres.shared().createDatabase()
        }
    }
}
