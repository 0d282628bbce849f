#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore
import OptralisCurl
import Synchronization

/// `apm`: the HTTP(S) probes of the APM applications this machine watches (their list comes
/// with each configuration sync, ``APMProbeTargets``). The collector runs every 30 s and
/// probes the applications whose own interval has passed: a GET on a connection of its own
/// (redirects not followed, at most 64 KiB read), `up` when the expected status came back
/// within the timeout, the response time (libcurl's total, connection and TLS included), the
/// certificate's days left for https; and, when the application names a systemd unit, the
/// count of its journal lines of priority err or worse since its previous probe
/// (`journalctl -u UNIT -p err --since @T --until @T -o cat -q`, through ``CommandRunner``).
/// Nothing due: nothing is posted (``NothingToReport``).
public struct APMCollector: Collector {
    public static let kind = "apm"
    /// Probes run at once.
    static let concurrency = 4
    /// Journal lines counted at most per probe.
    static let journalLimit = 100_000

    let targets: APMProbeTargets
    let http: CurlClient
    let runner: CommandRunner
    /// The system's CAs; a test's own CA.
    let tls: TLSOptions
    /// When each application was last probed (shared by the copies of this collector).
    private let lastProbe = LastProbes()

    private final class LastProbes: Sendable {
        let times = Mutex<[UUID: Date]>([:])
    }

    public init(targets: APMProbeTargets, http: CurlClient, runner: CommandRunner = CommandRunner(), tls: TLSOptions = TLSOptions()) {
        (self.targets, self.http, self.runner, self.tls) = (targets, http, runner, tls)
    }

    public func collect() async throws -> APMProbeReport {
        let now = Date()
        let current = targets.current
        // One second of slack: the 30 s grid and a 60 s interval must meet every other run.
        let (due, previous) = lastProbe.times.withLock { last -> ([APMProbeTarget], [UUID: Date]) in
            last = last.filter { id, _ in current.contains { $0.id == id } }
            let due = current.filter { target in last[target.id].map { now.timeIntervalSince($0) >= Double(target.intervalSeconds) - 1 } ?? true }
            let previous = Dictionary(uniqueKeysWithValues: due.map { ($0.id, last[$0.id] ?? now.addingTimeInterval(-Double($0.intervalSeconds))) })
            for target in due { last[target.id] = now }
            return (due, previous)
        }
        guard !due.isEmpty else { throw NothingToReport() }
        var results: [APMProbeResult] = []
        for chunk in stride(from: 0, to: due.count, by: Self.concurrency).map({ Array(due[$0..<min($0 + Self.concurrency, due.count)]) }) {
            await withTaskGroup(of: APMProbeResult.self) { group in
                for target in chunk { group.addTask { await probe(target, since: previous[target.id] ?? now, until: now) } }
                for await result in group { results.append(result) }
            }
        }
        return APMProbeReport(probes: results.sorted { $0.applicationID.uuidString < $1.applicationID.uuidString })
    }

    func probe(_ target: APMProbeTarget, since: Date, until: Date) async -> APMProbeResult {
        var request = OutboundRequest(url: target.url, timeout: .seconds(max(1, min(target.timeoutSeconds, 60))), tls: tls, maximumResponseBytes: 64 * 1024)
        request.keepsTruncatedBody = true
        request.measuresFreshConnection = true
        let started = ContinuousClock.now
        var result = APMProbeResult(applicationID: target.id, up: false, statusCode: nil, responseTimeMs: nil, tlsDaysLeft: nil, errorCount: nil, error: nil)
        do {
            let response = try await http.send(request)
            let elapsed = response.totalTime ?? (ContinuousClock.now - started)
            result.statusCode = response.status
            result.responseTimeMs = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            result.up = response.status == target.expectedStatus
            if !result.up { result.error = "status \(response.status), expected \(target.expectedStatus)" }
            result.tlsDaysLeft = response.certificateExpiresAt.map { Int(($0.timeIntervalSince(Date()) / 86_400).rounded(.down)) }
        } catch {
            result.error = String(String(describing: error).prefix(500))
        }
        if let unit = target.journalUnit { result.errorCount = await journalErrors(unit: unit, since: since, until: until) }
        return result
    }

    /// Lines of priority err (3) or worse the unit logged in [since, until); nil without journalctl
    /// or when it fails (an unknown unit only gives no lines).
    func journalErrors(unit: String, since: Date, until: Date) async -> Int? {
        // The unit was checked by the api (letters, digits, `:_.@\-`); `--` is not needed since it
        // cannot start with `-`, but a unit must never be read as an option.
        guard !unit.hasPrefix("-") else { return nil }
        let arguments = [
            "-u", unit, "-p", "err", "--since", "@\(Int(since.timeIntervalSince1970))", "--until", "@\(Int(until.timeIntervalSince1970))",
            "-o", "cat", "-q", "--no-pager", "-n", String(Self.journalLimit),
        ]
        guard let result = try? await runner.run("journalctl", arguments, timeout: .seconds(20)), result.status == 0 else { return nil }
        return result.output.split(separator: "\n", omittingEmptySubsequences: true).count
    }
}

/// The applications this agent probes, replaced at each configuration sync.
public final class APMProbeTargets: Sendable {
    private let targets = Mutex<[APMProbeTarget]>([])

    public init(_ initial: [APMProbeTarget] = []) { targets.withLock { $0 = initial } }

    public var current: [APMProbeTarget] { targets.withLock { $0 } }

    /// At most 1,000 (what the gateway sends), only http(s) URLs.
    public func replace(with new: [APMProbeTarget]) {
        let kept = new.filter { $0.url.hasPrefix("http://") || $0.url.hasPrefix("https://") }.prefix(1_000)
        targets.withLock { $0 = Array(kept) }
    }
}

/// Thrown by a collector with nothing to post this time (the runtime skips it quietly).
public struct NothingToReport: Error {
    public init() {}
}
