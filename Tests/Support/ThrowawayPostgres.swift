import Foundation

/// Placeholder until the PostgreSQL test cluster lands.
public final class ThrowawayPostgres: @unchecked Sendable {
    public static func shared() throws -> ThrowawayPostgres { throw CocoaError(.featureUnsupported) }
    public func createDatabase() throws -> String { throw CocoaError(.featureUnsupported) }
}
