import Foundation
import Synchronization

/// Counters for `/metrics`, in Prometheus text format. Counts only — never ids or contents.
public final class ServerMetrics: Sendable {
    private let counters = Mutex<[String: Int64]>([:])

    public init() {}

    func count(route: String, method: String, status: Int) {
        add("fieldroll_http_requests_total{route=\"\(route)\",method=\"\(method)\",status=\"\(status)\"}", 1)
    }

    /// Adds `n` to a named counter (with labels in Prometheus syntax).
    public func add(_ key: String, _ n: Int64) {
        counters.withLock { $0[key, default: 0] += n }
    }

    /// The exposition text.
    public func render() -> String {
        let snapshot = counters.withLock { $0 }
        var families: [String: [(String, Int64)]] = [:]
        for (k, v) in snapshot {
            let name = String(k.prefix { $0 != "{" })
            families[name, default: []].append((k, v))
        }
        var out = ""
        for name in families.keys.sorted() {
            out += "# TYPE \(name) counter\n"
            for (k, v) in families[name, default: []].sorted(by: { $0.0 < $1.0 }) { out += "\(k) \(v)\n" }
        }
        return out
    }
}
