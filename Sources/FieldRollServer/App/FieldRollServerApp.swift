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
    /// Builds the router over `pipeline`.
    static func router(configuration: ServerConfiguration, pipeline: SyncPipeline, blobs: BlobStore, metrics: ServerMetrics, logger: Logger)
        -> Router<ServerRequestContext>
    {
        let router = Router(context: ServerRequestContext.self)
        // Outermost: the request id, the access log line and the request duration.
        router.add(middleware: AccessLogMiddleware(logger: logger, metrics: metrics))
        // Next, so every later middleware and route reads the body through it.
        router.add(middleware: ExpectContinueMiddleware())
        router.add(middleware: ProblemMiddleware(metrics: metrics))
        // Liveness: the process answers. It does not touch the database.
        router.get("healthz") { request, _ in
            try JSONBody.response(HealthStatus(server: pipeline.serverNode), request: request)
        }
        // Readiness: the database answers too — within 2 s for PostgreSQL, so a health check never
        // hangs on a lost network. A local SQLite file has no network to lose: it is asked without
        // a deadline, so a busy machine is not taken for a dead database.
        router.get("readyz") { request, _ in
            let seconds = min(ServerConfiguration.readinessTimeout, configuration.storageTimeout)
            let ping: @Sendable () async throws -> Void = { try await pipeline.storage.ping() }
            do {
                if pipeline.storage.backend == "sqlite" { try await ping() } else { try await Deadline.run(seconds: seconds, ping) }
            } catch {
                let why =
                    error is Deadline.Expired
                    ? "no answer within \(PostgresStorage.seconds(seconds)) s" : (error as? any FieldRollError)?.message ?? "\(error)"
                throw ProblemResponse(.notReady, "the \(pipeline.storage.backend) database does not answer: \(why)")
            }
            return try JSONBody.response(ReadinessStatus(server: pipeline.serverNode, database: pipeline.storage.backend), request: request)
        }
        router.get("metrics") { _, _ in
            let text = metrics.render()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .contentLength: String(text.count)],
                body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
        let v1 = router.group("v1")
        DeviceRoutes(pipeline: pipeline).register(on: v1)
        let protected = v1.group().add(middleware: Authenticator(pipeline: pipeline))
        SyncRoutes(pipeline: pipeline, configuration: configuration, metrics: metrics).register(on: protected)
        BlobRoutes(pipeline: pipeline, blobs: blobs, configuration: configuration, metrics: metrics).register(on: protected)
        ReviewRoutes(pipeline: pipeline).register(on: protected)
        PaymentRoutes(pipeline: pipeline).register(on: protected)
        // The office's web console: HTML for people under /console, outside the device API.
        let console: ConsoleRoutes
        do { console = try ConsoleRoutes(pipeline: pipeline, configuration: configuration, blobs: blobs) } catch {
            preconditionFailure("the console's templates do not compile: \(error)")
        }
        console.register(on: router)
        // Last, so it wraps only the not-found responder: 405 with Allow, or a problem 404 (a
        // page under /console, where people read it).
        router.add(middleware: UnmatchedRouteMiddleware(routes: router.routes, htmlNotFound: { console.notFoundPage($0) }))
        return router
    }

    /// Opens the server the configuration names and starts listening; returns once the port is
    /// bound.
    /// - Parameter stopOnSignals: stop gracefully on SIGINT and SIGTERM (the `serve` command).
    /// - Throws: `no-server`, `storage-failure`, or `cannot-listen` when the port is taken.
    public static func start(_ configuration: ServerConfiguration, logLevel: Logger.Level = .warning, stopOnSignals: Bool = false)
        async throws -> RunningServer
    {
        var logger = Logger(label: "fieldroll-server")
        logger.logLevel = logLevel
        return try await start(configuration, logger: logger, stopOnSignals: stopOnSignals)
    }

    /// Opens the server and starts listening, logging through `logger` (whose level is kept):
    /// one access line per request at `.info`, failures at `.error`.
    ///
    /// ```swift
    /// var logger = Logger(label: "fieldroll-server") { StreamLogHandler.standardOutput(label: $0) }
    /// logger.logLevel = .info
    /// let server = try await FieldRollServerApp.start(configuration, logger: logger)
    /// ```
    public static func start(_ configuration: ServerConfiguration, logger: Logger, stopOnSignals: Bool = false) async throws
        -> RunningServer
    {
        // One registry per server: tests run many servers in one process.
        let metrics = ServerMetrics()
        let (pipeline, blobs) = try await ServerOpener.open(configuration, logger: logger, metrics: metrics)
        do {
            return try await start(
                configuration, pipeline: pipeline, blobs: blobs, metrics: metrics, logger: logger, stopOnSignals: stopOnSignals)
        } catch {
            await pipeline.storage.close()
            throw error
        }
    }

    static func start(
        _ configuration: ServerConfiguration, pipeline: SyncPipeline, blobs: BlobStore, metrics: ServerMetrics, logger: Logger,
        stopOnSignals: Bool
    ) async throws -> RunningServer {
        // The console's templates were parsed once at start: one missing or broken stops the
        // server here, with the file named, and never shows as a blank page later.
        _ = try ConsoleTemplate.shared.get()
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router(configuration: configuration, pipeline: pipeline, blobs: blobs, metrics: metrics, logger: logger),
            // Answers `Expect: 100-continue`, which neither NIO's HTTP/1 codec nor Hummingbird does.
            server: .http1(configuration: .init(additionalChannelHandlers: [ExpectContinueHandler()])),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "fieldroll"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? configuration.port)
                portContinuation.finish()
            },
            logger: logger)
        var groupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: app)], gracefulShutdownSignals: stopOnSignals ? [.sigterm, .sigint] : [], logger: logger)
        // Requests under way get this long to finish after SIGTERM; then they are cut.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.drainSeconds)
        // Then the tasks left are cancelled; one that will not end within this bound is a bug, and
        // ServiceLifecycle stops the process. Generous, so a machine under load (two cores, a test
        // suite stopping dozens of servers at once) is not taken for one.
        groupConfiguration.maximumCancellationDuration = .seconds(30)
        let group = ServiceGroup(configuration: groupConfiguration)
        let task = Task {
            // However the group ends — a bind failure included — nobody waits for a port forever.
            defer { portContinuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            do { try await task.value } catch {
                throw StorageError(.cannotListen, "cannot listen on \(configuration.host):\(configuration.port): \(describe(error))")
            }
            throw StorageError(.cannotListen, "the server stopped before it listened on \(configuration.host):\(configuration.port)")
        }
        return RunningServer(port: port, pipeline: pipeline, metrics: metrics, group: group, task: task)
    }

    /// A one-line reason for a failure to listen.
    static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("Address already in use") || text.contains("errno: 98") {
            return "the address is already in use (is another server running?)"
        }
        if text.contains("Permission denied") || text.contains("errno: 13") {
            return "permission denied (ports below 1024 need privileges)"
        }
        if text.contains("Cannot assign requested address") || text.contains("errno: 99") { return "no such address on this machine" }
        return String(text.prefix(200))
    }
}

/// A server started by ``FieldRollServerApp/start(_:logLevel:stopOnSignals:)``.
public final class RunningServer: Sendable {
    public let port: Int
    public let pipeline: SyncPipeline
    /// What `GET /metrics` renders.
    public let metrics: ServerMetrics
    let group: ServiceGroup
    let task: Task<Void, any Error>

    /// The server's storage.
    public var storage: any ServerStorage { pipeline.storage }

    init(port: Int, pipeline: SyncPipeline, metrics: ServerMetrics, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.pipeline = pipeline
        self.metrics = metrics
        self.group = group
        self.task = task
    }

    /// Waits until the server stops (a signal, or ``stop()``), then closes its storage.
    public func wait() async throws {
        do { try await task.value } catch {
            await pipeline.storage.close()
            throw error
        }
        await pipeline.storage.close()
    }

    /// Stops accepting connections, lets requests under way finish, and closes storage.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        await pipeline.storage.close()
    }
}
