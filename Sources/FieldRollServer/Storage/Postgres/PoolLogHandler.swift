import Logging

/// The log handler of the PostgreSQL pool's background logger: postgres-nio reports a failed
/// connection attempt — how a lost connection that cannot be replaced shows — at `info`, which
/// a server logging at `warning` or above never prints. Here it is an error, the level an
/// operator watches; every other message keeps its level and the wrapped handler's filter.
///
/// ```swift
/// let background = Logger(label: logger.label) { _ in PoolLogHandler(wrapping: logger.handler) }
/// ```
struct PoolLogHandler: LogHandler {
    var wrapped: any LogHandler

    init(wrapping handler: any LogHandler) { wrapped = handler }

    /// The messages raised to `error`, as postgres-nio words them.
    static let promoted: Set<String> = ["Connection creation failed"]

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    /// Low enough to see the `info` messages that are promoted; ``log(event:)`` drops the rest
    /// below the wrapped handler's level.
    var logLevel: Logger.Level {
        get { min(wrapped.logLevel, .info) }
        set { wrapped.logLevel = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        if Self.promoted.contains(event.message.description) {
            event.level = .error
            event.message = "PostgreSQL: cannot connect (the database is down or out of reach)"
        }
        guard event.level >= wrapped.logLevel else { return }
        wrapped.log(event: event)
    }
}
