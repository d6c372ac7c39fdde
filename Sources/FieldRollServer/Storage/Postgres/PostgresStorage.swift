import Logging

/// Placeholder until the PostgreSQL backend lands on this branch.
public final class PostgresStorage {
    public static func open(url: String, logger: Logger) async throws -> any ServerStorage {
        throw StorageError(.invalidConfiguration, "PostgreSQL is not built yet")
    }
}
extension PostgresStorage {
    public static func restore(from dumpFile: String, url: String) async throws {
        throw StorageError(.invalidConfiguration, "PostgreSQL is not built yet")
    }
}
