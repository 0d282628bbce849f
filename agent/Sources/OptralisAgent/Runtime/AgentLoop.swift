#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import OptralisCore
import OptralisCurl
import OptralisUpdateSigning

/// `optralis-agent run`: every collector on its own interval, each post written to the spool
/// before it is sent; the collectors due together (their intervals on one grid) sent in one
/// batch post when the gateway takes them (`collect_batch` in its configuration), else one
/// sender per collector draining its spool in order; the heartbeat (60 s,
/// 30 s while the machine is loaded); the configuration synced every 5 minutes (intervals,
/// force-collect); the certificate renewed within 30 days of expiry, or when the heartbeat's reply
/// says an admin asked for it; an offered update installed once its signature verifies, or
/// refused and reported in a heartbeat at once.
public struct AgentLoop: Sendable {
    let files: AgentFiles
    let enrolment: AgentFiles.Enrolment
    let collectors: [AnyCollector]
    let spool: Spool
    let gateway: GatewayClient
    let updater: Updater
    let metrics: AgentMetrics
    let logger: Logger
    /// How long posts pause while the client's licence is inactive (`AGENT_LICENCE_RETRY_SECONDS`).
    let licenceRetry: Duration
    /// The databases this machine collects from (`databases` of the configuration reply).
    let databases = DatabaseTargetList()
    /// The APM applications to probe, from the configuration sync.
    let apmTargets: APMProbeTargets
    private let state = LoopState()

    public init(
        files: AgentFiles, enrolment: AgentFiles.Enrolment, http: CurlClient, updateVerifier: UpdateVerifier, metrics: AgentMetrics = AgentMetrics(),
        licenceRetry: Duration = .seconds(300), probeHTTP: CurlClient? = nil, logger: Logger
    ) {
        self.files = files
        self.enrolment = enrolment
        let url = URLComponents(string: enrolment.agentAPIURL)
        // The probes have their own client: a 60 s probe must not hold up the gateway's posts.
        let targets = APMProbeTargets()
        apmTargets = targets
        collectors = CollectorSet.linux(
            stateDirectory: files.stateDirectory, gateway: url?.host.map { ($0, url?.port ?? 443) }, databases: databases,
            apm: probeHTTP.map { APMCollector(targets: targets, http: $0) })
        spool = Spool(directory: files.spoolDirectory)
        gateway = GatewayClient(files: files, enrolment: enrolment, http: http)
        updater = Updater(http: http, verifier: updateVerifier, logger: logger)
        self.metrics = metrics
        self.licenceRetry = licenceRetry
        self.logger = logger
    }

    /// Runs until `shutdown` fires, then stops every loop (a post in flight is abandoned, and
    /// stays in the spool for the next run).
    public func run(until shutdown: ShutdownSignal) async {
        let signals = collectors.map { _ in AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1)) }
        let batchSignal = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        // Each collector's wake-up also wakes the batch sender.
        let wakes = signals.map { signal in Wake(own: signal.continuation, batch: batchSignal.continuation) }
        let origin = ContinuousClock.now
        await withDiscardingTaskGroup { group in
            group.addTask { await syncConfiguration(wake: wakes) }
            group.addTask { await heartbeats() }
            group.addTask { await renewals() }
            group.addTask { await sendBatches(wakeups: batchSignal.stream, fallback: wakes) }
            for (collector, (signal, wake)) in zip(collectors, zip(signals, wakes)) {
                group.addTask { await collect(collector, origin: origin, wake: wake) }
                group.addTask { await send(collector.kind, wakeups: signal.stream) }
            }
            _ = await shutdown.wait()
            signals.forEach { $0.continuation.finish() }
            batchSignal.continuation.finish()
            group.cancelAll()
        }
    }

    // MARK: Collect and send

    /// Wakes a collector's own sender and the batch sender.
    struct Wake: Sendable {
        let own: AsyncStream<Void>.Continuation
        let batch: AsyncStream<Void>.Continuation

        func yield() {
            own.yield()
            batch.yield()
        }
    }

    /// On a grid from `origin` (every multiple of the interval), not after each run's end: the
    /// collectors whose intervals divide each other (metrics 10 s, network 30 s, services 120 s)
    /// fall due together, and their posts travel in one batch.
    private func collect(_ collector: AnyCollector, origin: ContinuousClock.Instant, wake: Wake) async {
        while !Task.isCancelled {
            await collectOnce(collector, wake: wake)
            let interval = Duration.seconds(await state.interval(collector.kind))
            let elapsed = ContinuousClock.now - origin
            let next = origin + interval * (Int(elapsed / interval) + 1)
            try? await Task.sleep(until: next)
        }
    }

    func collectOnce(_ collector: AnyCollector, wake: Wake) async {
        guard await state.isEnabled(collector.kind), !collector.isIdle() else { return }
        do {
            let data = try await collector.collect()
            let entry = try await spool.append(kind: collector.kind, data: data)
            try await collector.spooled()
            if collector.kind == MetricsCollector.kind, let sample = try? JSONDecoder().decode(MetricsSample.self, from: data) {
                await state.record(cpu: sample.cpuPercent, ram: sample.ramPercent)
            }
            wake.yield()
            logger.debug("collected", metadata: ["collector": "\(collector.kind)", "sequence": "\(entry.sequence)", "bytes": "\(data.count)"])
        } catch is NothingToReport {
            return
        } catch {
            metrics.collectFailed(collector.kind)
            logger.warning("collect failed", metadata: ["collector": "\(collector.kind)", "error": "\(error)"])
        }
    }

    private func send(_ kind: String, wakeups: AsyncStream<Void>) async {
        var retry = AgentRetryPolicy()
        for await _ in wakeups {
            guard await !state.batching else { continue }
            while let entry = await spool.next(kind: kind), !Task.isCancelled {
                guard let body = await spool.body(of: entry) else {
                    logger.warning("corrupt spool file dropped", metadata: ["collector": "\(kind)", "sequence": "\(entry.sequence)"])
                    continue
                }
                let (outcome, _) = await gateway.post("/agent/collect", body: body)
                switch outcome {
                case .delivered:
                    metrics.post(kind, .delivered)
                    await spool.remove(entry)
                    retry.reset()
                    await state.delivered(files: files)
                case .rejected(let status, let reason):
                    metrics.post(kind, .rejected)
                    await spool.remove(entry)
                    logger.error(
                        "post refused, dropped",
                        metadata: ["collector": "\(kind)", "sequence": "\(entry.sequence)", "status": "\(status)", "reason": "\(reason)"])
                case .unreachable, .shedding, .retryLater, .licenceInactive:
                    metrics.post(kind, .retry)
                    await pause(after: outcome, retry: &retry, metadata: ["collector": "\(kind)"])
                }
            }
        }
    }

    /// The most posts, and about the most bytes, of one batch post (the gateway takes 64 and 10 MB).
    static let batchLimit = (posts: 64, bytes: 4 * 1024 * 1024)
    /// How long the batch sender waits after a wake-up for the other collectors due at the same
    /// instant to finish collecting.
    static let gatherDelay: Duration = .milliseconds(500)

    /// While the gateway takes batches: every post waiting in the spool, all collectors together,
    /// in batch posts; each post's own result removes it (stored, a duplicate, or refused for
    /// good) or keeps it. A gateway that refuses the batch route itself (an older one) turns
    /// batching off, and the collectors' own senders take over.
    private func sendBatches(wakeups: AsyncStream<Void>, fallback: [Wake]) async {
        var retry = AgentRetryPolicy()
        for await _ in wakeups {
            guard await state.batching else { continue }
            try? await Task.sleep(for: Self.gatherDelay)
            while await state.batching, !Task.isCancelled {
                let entries = await spool.heads(limit: Self.batchLimit.posts, maximumBytes: Self.batchLimit.bytes)
                guard !entries.isEmpty else { break }
                var bodies: [(Spool.Entry, Data)] = []
                for entry in entries {
                    if let body = await spool.body(of: entry) {
                        bodies.append((entry, body))
                    } else {
                        logger.warning("corrupt spool file dropped", metadata: ["collector": "\(entry.kind)", "sequence": "\(entry.sequence)"])
                    }
                }
                guard !bodies.isEmpty else { continue }
                var body = Data(#"{"posts":["#.utf8)
                for (index, (_, post)) in bodies.enumerated() {
                    if index > 0 { body.append(UInt8(ascii: ",")) }
                    body.append(post)
                }
                body.append(contentsOf: Array("]}".utf8))
                let (outcome, response) = await gateway.post("/agent/collect/batch", body: body)
                switch outcome {
                case .delivered:
                    // A reply that does not settle every post (a proxy's page, an unknown status)
                    // must not send the same batch again at once, in a loop.
                    if await settle(bodies.map(\.0), response: response) {
                        retry.reset()
                    } else {
                        await pause(
                            after: .retryLater(reason: "batch reply without a result for every post"), retry: &retry, metadata: ["posts": "\(bodies.count)"])
                    }
                case .rejected(let status, let reason):
                    // The batch itself refused: an older gateway (404), or a body it cannot read.
                    // Nothing is dropped; each collector's sender sends its posts alone.
                    logger.warning("batch post refused, sending posts one by one", metadata: ["status": "\(status)", "reason": "\(reason.prefix(200))"])
                    await state.setBatching(false)
                    fallback.forEach { $0.own.yield() }
                case .unreachable, .shedding, .retryLater, .licenceInactive:
                    bodies.forEach { metrics.post($0.0.kind, .retry) }
                    await pause(after: outcome, retry: &retry, metadata: ["posts": "\(bodies.count)"])
                }
            }
        }
    }

    /// After a post the gateway did not take, for now: the licence's long pause, or the retry
    /// policy's (at warning level once per outage: the retries within the reconnect window are
    /// frequent). The posts stay in the spool.
    private func pause(after outcome: GatewayClient.Outcome, retry: inout AgentRetryPolicy, metadata: Logger.Metadata) async {
        if case .licenceInactive(let code) = outcome {
            logger.error(
                "licence inactive, posts kept in the spool until it is renewed",
                metadata: metadata.merging(["code": "\(code)", "retry_in": "\(licenceRetry)"]) { $1 })
            try? await Task.sleep(for: licenceRetry)
            return
        }
        retry.setReconnectWindow(seconds: await state.reconnectWindow)
        let delay = retry.nextDelay(after: outcome.failure ?? .other)
        logger.log(
            level: retry.attempt == 1 ? .warning : .debug, "gateway unavailable, posts kept in the spool",
            metadata: metadata.merging(["reason": "\(outcome)", "retry_in": "\(delay)"]) { $1 })
        try? await Task.sleep(for: delay)
    }

    /// Applies a batch reply: each post's result, in order; false when some post got none it
    /// knows (it stays in the spool).
    private func settle(_ entries: [Spool.Entry], response: OutboundResponse?) async -> Bool {
        struct Reply: Decodable {
            struct Result: Decodable {
                let status: String
                let error: String?
                let code: String?
            }
            let results: [Result]
        }
        let results = response.flatMap { try? JSONDecoder().decode(Reply.self, from: Data($0.body)) }?.results ?? []
        var settled = results.count == entries.count
        for (entry, result) in zip(entries, results) {
            switch result.status {
            case "stored", "duplicate":
                metrics.post(entry.kind, .delivered)
                await spool.remove(entry)
                await state.delivered(files: files)
            case "rejected":
                metrics.post(entry.kind, .rejected)
                await spool.remove(entry)
                logger.error(
                    "post refused, dropped",
                    metadata: [
                        "collector": "\(entry.kind)", "sequence": "\(entry.sequence)", "code": "\(result.code ?? "")", "reason": "\(result.error ?? "")",
                    ])
            default:
                metrics.post(entry.kind, .retry)
                settled = false
            }
        }
        return settled
    }

    // MARK: Heartbeat, configuration, renewal

    private func heartbeats() async {
        let facts = MachineFacts.current()
        var retry = AgentRetryPolicy()
        while !Task.isCancelled {
            let (cpu, ram) = await state.load()
            let losses = await spool.takeLosses()
            var report: [String: AnyEncodable] = [
                "os": .init(facts.os), "agent_version": .init(OptralisVersion.current), "spool_dropped": .init(losses.dropped),
                "spool_corrupt": .init(losses.corrupt),
            ]
            if let version = facts.osVersion { report["os_version"] = .init(version) }
            if let cpu { report["cpu_percent"] = .init(cpu) }
            if let ram { report["ram_percent"] = .init(ram) }
            let refusal = await state.takeRefusal()
            if let refusal { report["update_refused"] = .init(refusal) }
            var next: Duration = .seconds(60)
            if let body = try? AgentJSON.encoder.encode(report) {
                let (outcome, response) = await gateway.post("/agent/heartbeat", body: body)
                if outcome == .delivered, let response, let reply = try? JSONDecoder().decode(HeartbeatReply.self, from: Data(response.body)) {
                    retry.reset()
                    next = .seconds(min(max(reply.nextHeartbeatSeconds ?? 60, 1), 3_600))
                    if let window = reply.reconnectWindowSeconds { await state.setReconnectWindow(window) }
                    // A refusal is reported by the next heartbeat, sent at once.
                    if let update = reply.update, await !self.update(update) { next = .zero }
                    if reply.renewCertificate == true { await renewNow(reason: "requested by an administrator") }
                } else {
                    if let refusal, outcome != .delivered { await state.refused(refusal) }
                    // The gateway back within the reconnect window also learns at once that the machine is.
                    if let failure = outcome.failure {
                        retry.setReconnectWindow(seconds: await state.reconnectWindow)
                        next = min(next, retry.nextDelay(after: failure))
                    }
                    logger.log(level: retry.attempt <= 1 ? .warning : .debug, "heartbeat failed", metadata: ["outcome": "\(outcome)", "retry_in": "\(next)"])
                }
            }
            try? await Task.sleep(for: next)
        }
    }

    /// Installs an offered version once per run; a refusal or a failure keeps the current binary,
    /// is logged and kept for the next heartbeat (then false).
    private func update(_ offer: HeartbeatReply.UpdateOffer) async -> Bool {
        guard let version = offer.version, let url = offer.downloadURL, let checksum = offer.checksumSHA256, await state.firstOffer(of: version)
        else { return true }
        do {
            try await updater.install(version: version, from: url, sha256: checksum)
            if Updater.restartsBySystemd {
                logger.notice("exiting so systemd starts the new version", metadata: ["version": "\(version)"])
                exit(0)
            }
            logger.notice("restart the agent to run the new version", metadata: ["version": "\(version)"])
            return true
        } catch let refused as Updater.Refused {
            logger.error("agent update refused, the running binary stays", metadata: ["version": "\(version)", "reason": "\(refused)"])
            await state.refused(UpdateRefusal(version: version, reason: refused.description))
        } catch {
            logger.error("agent update failed, the running binary stays", metadata: ["version": "\(version)", "error": "\(error)"])
            await state.refused(UpdateRefusal(version: version, reason: "\(error)"))
        }
        return false
    }

    /// What the heartbeat reports as `update_refused`.
    struct UpdateRefusal: Encodable, Sendable {
        let version: String
        let reason: String
    }

    private func syncConfiguration(wake: [Wake]) async {
        var first = true
        while !Task.isCancelled {
            if let response = try? await gateway.get("/agent/config/collectors"), response.status == 200,
                let config = try? JSONDecoder().decode(CollectorConfig.self, from: Data(response.body))
            {
                await state.apply(config.collectors)
                await state.setBatching(config.collectBatch ?? false)
                databases.replace(with: config.databases ?? [])
                apmTargets.replace(with: config.apmProbes ?? [])
                if config.forceCollect && !first {
                    logger.notice("force-collect requested: running every collector now")
                    for (collector, continuation) in zip(collectors, wake) { await collectOnce(collector, wake: continuation) }
                }
            }
            first = false
            // Senders also retry what waits in the spool from a previous run.
            wake.forEach { $0.yield() }
            try? await Task.sleep(for: .seconds(300))
        }
    }

    struct HeartbeatReply: Decodable {
        struct UpdateOffer: Decodable {
            let version: String?
            let downloadURL: String?
            let checksumSHA256: String?
            enum CodingKeys: String, CodingKey { case version, downloadURL = "download_url", checksumSHA256 = "checksum_sha256" }
        }
        let nextHeartbeatSeconds: Int?
        let update: UpdateOffer?
        let renewCertificate: Bool?
        /// The gateway's hint for ``AgentRetryPolicy`` (absent from an older gateway's reply).
        let reconnectWindowSeconds: Int?
        enum CodingKeys: String, CodingKey {
            case nextHeartbeatSeconds = "next_heartbeat_seconds", update, renewCertificate = "renew_certificate"
            case reconnectWindowSeconds = "reconnect_window_seconds"
        }
    }

    struct CollectorConfig: Decodable {
        struct Entry: Decodable {
            let type: String
            let enabled: Bool
            let interval: Int
        }
        let collectors: [Entry]
        let forceCollect: Bool
        /// The gateway takes `POST /agent/collect/batch` (absent from an older gateway's reply).
        let collectBatch: Bool?
        /// The databases to collect from, passwords included (absent from an older gateway's reply).
        let databases: [DatabaseTarget]?
        /// The APM applications this machine probes (absent from an older gateway's reply).
        let apmProbes: [APMProbeTarget]?
        enum CodingKeys: String, CodingKey {
            case collectors, forceCollect = "force_collect", collectBatch = "collect_batch", databases, apmProbes = "apm_probes"
        }
    }

    private func renewals() async {
        while !Task.isCancelled {
            if let current = try? files.enrolment(), current.certificateExpiresAt < Date().addingTimeInterval(30 * 86_400) {
                await renewNow(reason: "expires within 30 days")
            }
            try? await Task.sleep(for: .seconds(86_400))
        }
    }

    /// One renewal at a time: the daily check and a heartbeat's request may meet.
    private func renewNow(reason: String) async {
        guard let current = try? files.enrolment(), await state.beginRenewal() else { return }
        do {
            logger.notice("renewing the certificate", metadata: ["reason": "\(reason)"])
            try await renew(current)
        } catch {
            logger.error("certificate renewal failed", metadata: ["error": "\(error)"])
        }
        await state.endRenewal()
    }

    /// `POST /agent/certificate/renew`; the new files replace the old ones atomically, and the
    /// client reconnects to present them.
    func renew(_ current: AgentFiles.Enrolment) async throws {
        let (outcome, response) = await gateway.post("/agent/certificate/renew", body: Data("{}".utf8))
        guard outcome == .delivered, let response else { throw Enroller.Refused(description: "renewal refused: \(outcome)") }
        struct Renewed: Decodable {
            let certificate: String
            let privateKey: String
            let caCertificate: String
            let expiresAt: Date
            enum CodingKeys: String, CodingKey { case certificate, privateKey = "private_key", caCertificate = "ca_certificate", expiresAt = "expires_at" }
        }
        let renewed = try AgentFiles.decoder.decode(Renewed.self, from: Data(response.body))
        try AgentFiles.write(Data(renewed.privateKey.utf8), to: files.keyFile)
        try AgentFiles.write(Data(renewed.certificate.utf8), to: files.certificateFile)
        try AgentFiles.write(Data(renewed.caCertificate.utf8), to: files.authorityFile)
        var updated = current
        updated.certificateExpiresAt = renewed.expiresAt
        try files.save(updated)
        gateway.reloadIdentity()
        logger.notice("certificate renewed", metadata: ["expires_at": "\(renewed.expiresAt.formatted(.iso8601))"])
    }
}

/// What the loops share: the intervals and switches from the server, the latest load for the
/// heartbeat, when a post last reached the gateway.
actor LoopState {
    private var intervals = CollectorSet.defaultIntervals
    private var disabled: Set<String> = []
    private var lastDelivery: Date?
    private var lastStatusWrite: Date = .distantPast
    private var latestLoad: (Double?, Double?) = (nil, nil)
    private var offered: Set<String> = []
    private var refusal: AgentLoop.UpdateRefusal?
    private var renewing = false
    /// Seconds, from the last heartbeat's reply; bounded by ``AgentRetryPolicy``.
    private(set) var reconnectWindow = AgentRetryPolicy.defaultReconnectWindow

    func setReconnectWindow(_ seconds: Int) {
        reconnectWindow = min(max(seconds, AgentRetryPolicy.reconnectWindowRange.lowerBound), AgentRetryPolicy.reconnectWindowRange.upperBound)
    }

    func firstOffer(of version: String) -> Bool { offered.insert(version).inserted }
    func refused(_ refusal: AgentLoop.UpdateRefusal) { self.refusal = refusal }

    func takeRefusal() -> AgentLoop.UpdateRefusal? {
        defer { refusal = nil }
        return refusal
    }

    func beginRenewal() -> Bool {
        defer { renewing = true }
        return !renewing
    }
    func endRenewal() { renewing = false }

    /// Whether the gateway takes batch posts (from its configuration reply).
    private(set) var batching = false
    func setBatching(_ on: Bool) { batching = on }

    func interval(_ kind: String) -> Int { intervals[kind] ?? 300 }
    func isEnabled(_ kind: String) -> Bool { !disabled.contains(kind) }

    func apply(_ collectors: [AgentLoop.CollectorConfig.Entry]) {
        for entry in collectors {
            intervals[entry.type] = max(entry.interval, 1)
            if entry.enabled { disabled.remove(entry.type) } else { disabled.insert(entry.type) }
        }
    }

    func load() -> (Double?, Double?) { latestLoad }
    func record(cpu: Double, ram: Double) { latestLoad = (cpu, ram) }

    /// Writes `status.json` at most once a minute (read by `optralis-agent status`).
    func delivered(files: AgentFiles) {
        let now = Date()
        lastDelivery = now
        guard now.timeIntervalSince(lastStatusWrite) >= 60 else { return }
        lastStatusWrite = now
        try? AgentFiles.write(Data(#"{"last_delivery":"\#(now.formatted(.iso8601))"}"#.utf8), to: files.statusFile)
    }
}

/// A heterogeneous JSON object value.
struct AnyEncodable: Encodable, Sendable {
    private let encodeValue: @Sendable (any Encoder) throws -> Void
    init<T: Encodable & Sendable>(_ value: T) { encodeValue = { try value.encode(to: $0) } }
    func encode(to encoder: any Encoder) throws { try encodeValue(encoder) }
}
