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
    /// The group commits (`api_agent_<group>_write_duration`, kept as if a route, and
    /// `…_batch_size`), by group: the collect posts' and the heartbeats'.
    static let commitGroups = ["collect", "heartbeat"]
    static func commitWrites(_ group: String) -> String { "group commit \(group)" }
    /// Requests written and group commits (`api_agent_<group>_batch_size`'s sum and count), by group.
    let written: [String: Double]
    let commits: [String: Double]

    init(buckets: [String: [Double: Double]], written: [String: Double] = [:], commits: [String: Double] = [:]) {
        (self.buckets, self.written, self.commits) = (buckets, written, commits)
    }

    /// Parses the exposition text; only the agent port's routes.
    init(exposition: String) {
        var buckets: [String: [Double: Double]] = [:]
        for line in exposition.split(separator: "\n") {
            let route: String
            if line.hasPrefix("http_server_request_duration_bucket{"), let name = Self.label("http_route", in: line), name.hasPrefix("/agent/") {
                route = name
            } else if let group = Self.commitGroups.first(where: { line.hasPrefix("api_agent_\($0)_write_duration_bucket{") }) {
                route = Self.commitWrites(group)
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
        var (written, commits) = ([String: Double](), [String: Double]())
        for group in Self.commitGroups {
            written[group] = Self.counter("api_agent_\(group)_batch_size_sum", in: exposition) ?? 0
            commits[group] = Self.counter("api_agent_\(group)_batch_size_count", in: exposition) ?? 0
        }
        (self.written, self.commits) = (written, commits)
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
        return ServerLatency(
            buckets: delta, written: written.merging(earlier.written) { $0 - $1 }, commits: commits.merging(earlier.commits) { $0 - $1 })
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

    /// "group commits of collect posts: n, … each, write p50 … ms p99 … ms", one line per group
    /// that recorded any.
    static func commitLines(before: ServerLatency?, after: ServerLatency?) -> [String] {
        guard let before, let after else { return [] }
        let delta = after.since(before)
        return commitGroups.compactMap { group in
            let s = delta.summary([commitWrites(group)])
            guard s.count > 0, let commits = delta.commits[group], commits > 0 else { return nil }
            return String(
                format: "group commits of %@: %.0f, %.1f each, write to PostgreSQL p50 %.1f ms  p99 %.1f ms",
                group == "collect" ? "collect posts" : "heartbeats",
                commits, (delta.written[group] ?? 0) / commits, s.p50, s.p99)
        }
    }
}
