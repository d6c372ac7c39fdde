import FieldRollCore
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The FieldRoll HTTP server: routes, middleware and storage put together.
///
/// ```swift
/// let server = try await FieldRollServerApp.start(configuration)   // listens
/// print(server.port)
/// await server.stop()
/// ```
public enum FieldRollServerApp {
    /// Builds the router for `storage`.
    static func router(configuration: ServerConfiguration, storage: any SyncStorage, blobs: BlobStore, metrics: ServerMetrics) -> Router<ServerRequestContext> {
        let router = Router(context: ServerRequestContext.self)
        router.add(middleware: ProblemMiddleware(metrics: metrics))
        router.get("healthz") { request, _ in
            try JSONBody.response(["status": "ok", "server": storage.serverNode.rawValue, "protocol": WireProtocol.version], request: request)
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metrics.render())))
        }
        let v1 = router.group("v1")
        DeviceRoutes(storage: storage).register(on: v1)
        let protected = v1.group().add(middleware: Authenticator(storage: storage))
        SyncRoutes(storage: storage, configuration: configuration, metrics: metrics).register(on: protected)
        BlobRoutes(storage: storage, blobs: blobs, configuration: configuration, metrics: metrics).register(on: protected)
        return router
    }

    /// Opens the data folder (creating it), its SQLite database and blob store.
    public static func openStorage(_ configuration: ServerConfiguration) throws -> (SQLiteStorage, BlobStore) {
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        return (try SQLiteStorage(path: configuration.databasePath), try BlobStore(root: configuration.blobDirectory))
    }

    /// Starts listening and returns once the port is bound.
    /// - Parameter stopOnSignals: stop gracefully on SIGINT and SIGTERM (the `serve` command).
    public static func start(_ configuration: ServerConfiguration, logLevel: Logger.Level = .warning, stopOnSignals: Bool = false) async throws -> RunningServer {
        let (storage, blobs) = try openStorage(configuration)
        let metrics = ServerMetrics()
        var logger = Logger(label: "fieldroll-server")
        logger.logLevel = logLevel
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router(configuration: configuration, storage: storage, blobs: blobs, metrics: metrics),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "fieldroll"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? configuration.port)
                portContinuation.finish()
            },
            logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: app)], gracefulShutdownSignals: stopOnSignals ? [.sigterm, .sigint] : [], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await task.value
            throw StorageError(.internalError, "the server stopped before it listened")
        }
        return RunningServer(port: port, storage: storage, group: group, task: task)
    }
}

/// A server started by ``FieldRollServerApp/start(_:logLevel:)``.
public final class RunningServer: Sendable {
    public let port: Int
    public let storage: SQLiteStorage
    let group: ServiceGroup
    let task: Task<Void, any Error>

    init(port: Int, storage: SQLiteStorage, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.storage = storage
        self.group = group
        self.task = task
    }

    /// Waits until the server stops (a signal, or ``stop()``).
    public func wait() async throws { try await task.value }

    /// Stops accepting connections, lets requests under way finish, and waits.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
