import Foundation

/// The api's own view of latency: `http_server_request_duration` (Hummingbird's request timer,
/// on `/metrics`) read before and after a run, so the report can put the server's p50/p99 (time
/// inside the api, from the request's head to its answer written) beside the generator's (from
/// when the post was due, queueing, connection and TLS included). Quantiles are interpolated
/// within a bucket as Prometheus's `histogram_quantile` does.
struct ServerLatency {
    /// Cumulative bucket counts by upper bound (seconds), summed over method and status, per route.
    let buckets: [String: [Double: Double]]

    static let agentRoutes = ["/agent/collect", "/agent/collect/batch", "/agent/heartbeat", "/agent/ping"]
    /// The group commit's writes to PostgreSQL (`api_agent_collect_write_duration`), kept as if a route.
    static let commitWrites = "group commit"
    /// Collect payloads written and group commits (`api_agent_collect_batch_size`'s sum and count).
    let posts: Double
    let commits: Double

    init(buckets: [String: [Double: Double]], posts: Double = 0, commits: Double = 0) {
        (self.buckets, self.posts, self.commits) = (buckets, posts, commits)
    }

    /// Parses the exposition text; only the agent port's routes.
    init(exposition: String) {
        var buckets: [String: [Double: Double]] = [:]
        for line in exposition.split(separator: "\n") {
            let route: String
            if line.hasPrefix("http_server_request_duration_bucket{"), let name = Self.label("http_route", in: line), name.hasPrefix("/agent/") {
                route = name
            } else if line.hasPrefix("api_agent_collect_write_duration_bucket{") {
                route = Self.commitWrites
            } else {
                continue
            }
            guard let close = line.lastIndex(of: "}"), let value = Double(line[line.index(after: close)...].trimmingCharacters(in: .whitespaces)),
                let le = Self.label("le", in: line)
            else { continue }
            let bound = le == "+Inf" ? Double.infinity : Double(le) ?? .nan
            guard !bound.isNaN else { continue }
            buckets[route, default: [:]][bound, default: 0] += value
        }
        self.buckets = buckets
        posts = Self.counter("api_agent_collect_batch_size_sum", in: exposition) ?? 0
        commits = Self.counter("api_agent_collect_batch_size_count", in: exposition) ?? 0
    }

    private static func label(_ name: String, in line: Substring) -> String? {
        guard let start = line.range(of: "\(name)=\"") else { return nil }
        let rest = line[start.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    /// This snapshot minus an earlier one (the counters only grow while the api runs).
    func since(_ earlier: ServerLatency) -> ServerLatency {
        var delta: [String: [Double: Double]] = [:]
        for (route, counts) in buckets {
            for (bound, count) in counts { delta[route, default: [:]][bound] = count - (earlier.buckets[route]?[bound] ?? 0) }
        }
        return ServerLatency(buckets: delta, posts: posts - earlier.posts, commits: commits - earlier.commits)
    }

    /// (requests, p50 ms, p99 ms) over `routes` together.
    func summary(_ routes: [String]) -> (count: Double, p50: Double, p99: Double) {
        var merged: [Double: Double] = [:]
        for route in routes { for (bound, count) in buckets[route] ?? [:] { merged[bound, default: 0] += count } }
        let sorted = merged.sorted { $0.key < $1.key }
        let total = sorted.last?.value ?? 0
        return (total, Self.quantile(0.5, sorted) * 1000, Self.quantile(0.99, sorted) * 1000)
    }

    private static func quantile(_ q: Double, _ sorted: [(key: Double, value: Double)]) -> Double {
        guard let total = sorted.last?.value, total > 0 else { return .nan }
        let rank = q * total
        var (lowerBound, lowerCount) = (0.0, 0.0)
        for (bound, count) in sorted {
            if count >= rank {
                // In the +Inf bucket: the highest finite bound is all that can be said.
                guard bound.isFinite else { return lowerBound }
                return lowerBound + (bound - lowerBound) * (count > lowerCount ? (rank - lowerCount) / (count - lowerCount) : 1)
            }
            (lowerBound, lowerCount) = (bound, count)
        }
        return lowerBound
    }

    /// Answers on the agents' routes by HTTP status ("200: n, 503: n"), from the request timer's counts.
    static func statuses(in exposition: String) -> String {
        var counts: [String: Double] = [:]
        for line in exposition.split(separator: "\n") where line.hasPrefix("http_server_request_duration_count{") {
            guard label("http_route", in: line)?.hasPrefix("/agent/") == true, let status = label("http_response_status_code", in: line),
                let value = Double(line.split(separator: " ").last ?? "")
            else { continue }
            counts[status, default: 0] += value
        }
        return counts.sorted { $0.key < $1.key }.map { String(format: "%@: %.0f", $0.key, $0.value) }.joined(separator: ", ")
    }

    /// The value of an unlabelled counter or gauge in the exposition text.
    static func counter(_ name: String, in exposition: String) -> Double? {
        for line in exposition.split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// "server p50 … ms p99 … ms (n requests)", or why there is none.
    static func line(before: ServerLatency?, after: ServerLatency?, routes: [String] = ServerLatency.agentRoutes) -> String {
        guard let before, let after else { return "server-side: /metrics unreadable (PORT unset?)" }
        let s = after.since(before).summary(routes)
        guard s.count > 0 else { return "server-side: no request recorded" }
        return String(format: "server-side p50 %6.1f ms  p99 %7.1f ms  (%.0f answers on %@)", s.p50, s.p99, s.count, routes.joined(separator: ", "))
    }

    /// "group commits: n, … posts each, write p50 … ms p99 … ms", or nothing when none was recorded.
    static func commitLine(before: ServerLatency?, after: ServerLatency?) -> String? {
        guard let before, let after else { return nil }
        let delta = after.since(before)
        let s = delta.summary([commitWrites])
        guard s.count > 0, delta.commits > 0 else { return nil }
        return String(
            format: "group commits %.0f, %.1f posts each, write to PostgreSQL p50 %.1f ms  p99 %.1f ms", delta.commits, delta.posts / delta.commits, s.p50,
            s.p99)
    }
}
