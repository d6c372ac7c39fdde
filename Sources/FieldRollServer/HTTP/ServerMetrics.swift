import FieldRollCore
import Foundation
import HTTPTypes
import Prometheus

/// The server's metrics for `GET /metrics`, in a Prometheus registry that belongs to one running
/// server (never the process-wide `MetricsSystem`, so many servers in one process never mix).
///
/// Counts and durations only — never ids, hashes or contents. Every label has a bounded set of
/// values: route patterns (`/v1/blobs/{sha256}`, never the raw path), a fixed list of methods,
/// status codes, error codes, push results and storage operations.
///
/// ```swift
/// let metrics = ServerMetrics()
/// metrics.pulled(12)
/// print(String(decoding: metrics.render(), as: UTF8.self))   // # HELP … # TYPE … samples
/// ```
public final class ServerMetrics: Sendable {
    /// The registry `render()` writes out.
    public let registry: PrometheusCollectorRegistry

    /// Upper bounds of the request and database duration buckets.
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    // Descriptors are not Sendable, so each is made where it is used.
    static var requestDuration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "fieldroll", subsystem: "http", metricName: "request_duration", unitName: "seconds",
            helpText: "Time from routing a request to its response head, by route pattern, method and status.")
    }
    static var pushChanges: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "fieldroll", subsystem: "push", metricName: "changes", unitName: "total",
            helpText: "Pushed changes by result: applied, duplicate, conflict (applied with a conflict record) or refused.")
    }
    static var pushRefusals: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "fieldroll", subsystem: "push", metricName: "refusals", unitName: "total",
            helpText: "Pushed changes refused, by error code.")
    }
    static var conflicts: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "fieldroll", subsystem: "conflicts", metricName: "recorded", unitName: "total",
            helpText: "Conflict records kept for the central office by pushes.")
    }
    static var pullChanges: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "fieldroll", subsystem: "pull", metricName: "changes", unitName: "total",
            helpText: "Changes answered to pulls.")
    }
    static var blobReceived: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "fieldroll", subsystem: "blob", metricName: "received_bytes", unitName: "total",
            helpText: "Photo bytes received by blob uploads (complete or not).")
    }
    static var blobSent: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "fieldroll", subsystem: "blob", metricName: "sent_bytes", unitName: "total",
            helpText: "Photo bytes sent by blob downloads.")
    }
    static var pushBody: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "fieldroll", subsystem: "push", metricName: "body", unitName: "bytes",
            helpText: "Size of push request bodies as they crossed the wire (gzip-compressed when sent so).")
    }
    static var pullBody: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "fieldroll", subsystem: "pull", metricName: "body", unitName: "bytes",
            helpText: "Size of pull answer bodies as sent (gzip-compressed when the device accepts it).")
    }
    static var problems: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "fieldroll", subsystem: "http", metricName: "problems", unitName: "total",
            helpText: "Requests answered with a problem (application/problem+json), by error code.")
    }
    static var databaseDuration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "fieldroll", subsystem: "database", metricName: "duration", unitName: "seconds",
            helpText: "Time spent in storage calls of the sync pipeline, by operation.")
    }

    /// Upper bounds of the body size buckets, in bytes: 1 KiB to 16 MiB by fours.
    static let bodyBuckets: [Double] = [1_024, 4_096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216]

    /// The results a push answers, as metric labels.
    static let pushResults: [ChangeResult.Status: String] = [
        .applied: "applied", .duplicate: "duplicate", .conflictRecorded: "conflict", .refused: "refused",
    ]

    /// Methods counted under their own name; any other is `OTHER`.
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]

    private let pushCounters: [ChangeResult.Status: Counter]
    private let conflictCounter: Counter
    private let pullCounter: Counter
    private let blobReceivedCounter: Counter
    private let blobSentCounter: Counter
    private let pushBodyHistogram: ValueHistogram
    private let pullBodyHistogram: ValueHistogram

    /// A fresh registry; the counters start at 0 and show in `render()` from the start.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        var push: [ChangeResult.Status: Counter] = [:]
        for (status, label) in Self.pushResults {
            push[status] = registry.makeCounter(descriptor: Self.pushChanges, labels: [("result", label)])
        }
        pushCounters = push
        conflictCounter = registry.makeCounter(descriptor: Self.conflicts)
        pullCounter = registry.makeCounter(descriptor: Self.pullChanges)
        blobReceivedCounter = registry.makeCounter(descriptor: Self.blobReceived)
        blobSentCounter = registry.makeCounter(descriptor: Self.blobSent)
        pushBodyHistogram = registry.makeValueHistogram(descriptor: Self.pushBody, buckets: Self.bodyBuckets)
        pullBodyHistogram = registry.makeValueHistogram(descriptor: Self.pullBody, buckets: Self.bodyBuckets)
    }

    /// Records one answered request. `route` must be a route pattern or `unmatched`.
    func requestFinished(route: String, method: HTTPRequest.Method, status: Int, duration: Duration) {
        let method = Self.knownMethods.contains(method.rawValue) ? method.rawValue : "OTHER"
        registry.makeDurationHistogram(
            descriptor: Self.requestDuration, labels: [("route", route), ("method", method), ("status", String(status))],
            buckets: Self.durationBuckets
        ).record(duration)
    }

    /// Counts a push's answers: by result, refusals by code, and the conflict records kept.
    func pushed(_ results: [ChangeResult]) {
        for result in results {
            pushCounters[result.status]?.increment()
            if result.status == .refused {
                let code = result.code?.rawValue ?? "unknown"
                registry.makeCounter(descriptor: Self.pushRefusals, labels: [("code", code)]).increment()
            }
            if let conflicts = result.conflicts, !conflicts.isEmpty { conflictCounter.increment(by: Int64(conflicts.count)) }
        }
    }

    /// Records the size of one push body as it arrived.
    func pushBody(bytes: Int) { pushBodyHistogram.record(Double(bytes)) }

    /// Records the size of one pull answer's body as sent.
    func pullBody(bytes: Int) { pullBodyHistogram.record(Double(bytes)) }

    /// Counts one problem answer under its error code (a fixed set of values).
    func problem(_ code: ErrorCode) {
        registry.makeCounter(descriptor: Self.problems, labels: [("code", code.rawValue)]).increment()
    }

    /// Counts changes answered to a pull.
    func pulled(_ count: Int) { pullCounter.increment(by: Int64(count)) }

    /// Counts photo bytes that arrived in an upload.
    func blobReceived(_ bytes: Int64) { if bytes > 0 { blobReceivedCounter.increment(by: bytes) } }

    /// Counts photo bytes sent in a download.
    func blobSent(_ bytes: Int64) { if bytes > 0 { blobSentCounter.increment(by: bytes) } }

    /// Records the time of one storage call; `operation` is one of a fixed set of names.
    func databaseCall(_ operation: String, duration: Duration) {
        registry.makeDurationHistogram(descriptor: Self.databaseDuration, labels: [("operation", operation)], buckets: Self.durationBuckets)
            .record(duration)
    }

    /// The Prometheus text exposition (version 0.0.4) of every metric.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}
