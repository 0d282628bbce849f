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
/// before it is sent; one sender per collector draining its spool in order; the heartbeat (60 s,
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
    private let state = LoopState()

    public init(
        files: AgentFiles, enrolment: AgentFiles.Enrolment, http: CurlClient, updateVerifier: UpdateVerifier, metrics: AgentMetrics = AgentMetrics(),
        licenceRetry: Duration = .seconds(300), logger: Logger
    ) {
        self.files = files
        self.enrolment = enrolment
        let url = URLComponents(string: enrolment.agentAPIURL)
        collectors = CollectorSet.linux(
            stateDirectory: files.stateDirectory, gateway: url?.host.map { ($0, url?.port ?? 443) })
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
        await withDiscardingTaskGroup { group in
            group.addTask { await syncConfiguration(wake: signals.map(\.continuation)) }
            group.addTask { await heartbeats() }
            group.addTask { await renewals() }
            for (collector, signal) in zip(collectors, signals) {
                group.addTask { await collect(collector, wake: signal.continuation) }
                group.addTask { await send(collector.kind, wakeups: signal.stream) }
            }
            _ = await shutdown.wait()
            signals.forEach { $0.continuation.finish() }
            group.cancelAll()
        }
    }

    // MARK: Collect and send

    private func collect(_ collector: AnyCollector, wake: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            await collectOnce(collector, wake: wake)
            let interval = await state.interval(collector.kind)
            try? await Task.sleep(for: .seconds(interval))
        }
    }

    func collectOnce(_ collector: AnyCollector, wake: AsyncStream<Void>.Continuation) async {
        guard await state.isEnabled(collector.kind) else { return }
        do {
            let data = try await collector.collect()
            let entry = try await spool.append(kind: collector.kind, data: data)
            try await collector.spooled()
            if collector.kind == MetricsCollector.kind, let sample = try? JSONDecoder().decode(MetricsSample.self, from: data) {
                await state.record(cpu: sample.cpuPercent, ram: sample.ramPercent)
            }
            wake.yield()
            logger.debug("collected", metadata: ["collector": "\(collector.kind)", "sequence": "\(entry.sequence)", "bytes": "\(data.count)"])
        } catch {
            metrics.collectFailed(collector.kind)
            logger.warning("collect failed", metadata: ["collector": "\(collector.kind)", "error": "\(error)"])
        }
    }

    private func send(_ kind: String, wakeups: AsyncStream<Void>) async {
        var retry = AgentRetryPolicy()
        for await _ in wakeups {
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
                        "post refused, dropped", metadata: ["collector": "\(kind)", "sequence": "\(entry.sequence)", "status": "\(status)", "reason": "\(reason)"])
                case .unreachable, .shedding, .retryLater:
                    metrics.post(kind, .retry)
                    retry.setReconnectWindow(seconds: await state.reconnectWindow)
                    let delay = retry.nextDelay(after: outcome.failure ?? .other)
                    // Once per outage at warning level: the retries within the reconnect window are frequent.
                    logger.log(
                        level: retry.attempt == 1 ? .warning : .debug, "gateway unavailable, post kept in the spool",
                        metadata: ["collector": "\(kind)", "reason": "\(outcome)", "retry_in": "\(delay)"])
                    try? await Task.sleep(for: delay)
                case .licenceInactive(let code):
                    metrics.post(kind, .retry)
                    logger.error(
                        "licence inactive, posts kept in the spool until it is renewed",
                        metadata: ["collector": "\(kind)", "code": "\(code)", "retry_in": "\(licenceRetry)"])
                    try? await Task.sleep(for: licenceRetry)
                }
            }
        }
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

    private func syncConfiguration(wake: [AsyncStream<Void>.Continuation]) async {
        var first = true
        while !Task.isCancelled {
            if let response = try? await gateway.get("/agent/config/collectors"), response.status == 200,
                let config = try? JSONDecoder().decode(CollectorConfig.self, from: Data(response.body))
            {
                await state.apply(config.collectors)
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
        enum CodingKeys: String, CodingKey { case collectors, forceCollect = "force_collect" }
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
