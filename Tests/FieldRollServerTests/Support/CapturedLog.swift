import Foundation
import Logging
import Synchronization

/// Every line a server logged, for tests that read the log: pass ``logger`` to the server.
final class CapturedLog: Sendable {
    /// One logged line: level, message and metadata (values as the stream handler prints them).
    struct Line: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]

        /// The whole line as text, to search for things that must never appear.
        var text: String { ([message] + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }).joined(separator: " ") }
    }

    private let store = Mutex<[Line]>([])

    var lines: [Line] { store.withLock { $0 } }

    /// The access log lines (message `request`).
    var accessLines: [Line] { lines.filter { $0.message == "request" } }

    /// A logger at `.info` that writes here.
    var logger: Logger {
        var logger = Logger(label: "fieldroll-server") { _ in Handler(log: self) }
        logger.logLevel = .info
        return logger
    }

    fileprivate func append(_ line: Line) { store.withLock { $0.append(line) } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String,
            line: UInt
        ) {
            let all = self.metadata.merging(metadata ?? [:]) { _, new in new }
            log.append(Line(level: level, message: message.description, metadata: all.mapValues { "\($0)" }))
        }
    }
}
