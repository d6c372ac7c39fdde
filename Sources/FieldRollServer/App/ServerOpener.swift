import FieldRollCore
import Foundation
import Logging

/// Opens the storage a configuration names — the embedded SQLite file, or PostgreSQL — and the
/// blob folder beside it.
public enum ServerOpener {
    /// Opens storage without requiring a server in it (for `init`, `migrate`, `restore`).
    /// - Parameter create: for SQLite, make the data folder and file when missing.
    public static func storage(_ configuration: ServerConfiguration, create: Bool, logger: Logger = Logger(label: "fieldroll-server"))
        async throws
        -> any ServerStorage
    {
        if let url = configuration.databaseURL {
            return try await PostgresStorage.open(url: url, logger: logger, timeout: configuration.storageTimeout)
        }
        if create {
            do {
                try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            } catch {
                throw StorageError(
                    .storageFailure, "cannot create the data folder \(configuration.dataDirectory): \(error.localizedDescription)")
            }
        }
        return try SQLiteStorage.open(path: configuration.databasePath, create: create)
    }

    /// Opens an existing server: its storage, its pipeline and its blob folder.
    /// - Parameter metrics: where the pipeline records the time of its storage calls.
    /// - Throws: `no-server` when the data folder or database holds none.
    public static func open(
        _ configuration: ServerConfiguration, logger: Logger = Logger(label: "fieldroll-server"), metrics: ServerMetrics? = nil
    )
        async throws -> (SyncPipeline, BlobStore)
    {
        let storage = try await storage(configuration, create: false, logger: logger)
        do {
            let pipeline = try await SyncPipeline.open(
                storage, maxClockDrift: configuration.maxClockDrift, reviewChains: configuration.reviewChains,
                benefitRule: configuration.benefitRule,
                checkInSchedule: configuration.checkInSchedule, standardGuard: configuration.standardGuard, metrics: metrics)
            let blobs = try BlobStore(root: configuration.blobDirectory)
            return (pipeline, blobs)
        } catch {
            await storage.close()
            throw error
        }
    }
}
