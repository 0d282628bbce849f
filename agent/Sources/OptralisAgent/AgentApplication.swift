import Logging
import OptralisCurl

/// The agent's composition root: the collection loop and the loopback status server
/// (`/health`, `/metrics`), until SIGTERM or SIGINT.
public struct AgentApplication: Sendable {
    public let configuration: AgentConfiguration
    let logger: Logger

    public init(configuration: AgentConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        if let trimmed = ResidentMemoryTrimmer.lastOutcome {
            logger.info(
                "resident memory trimmed",
                metadata: [
                    "resident_kb_before": "\(trimmed.residentKBBefore)", "resident_kb_after": "\(trimmed.residentKBAfter)",
                    "released_mappings": "\(trimmed.releasedMappings)", "split_into": "\(trimmed.splitInto)",
                ])
        }
        let shutdown = ShutdownSignal()
        let metrics = AgentMetrics()
        let routes = AgentStatusRoutes(metrics: metrics)
        let status = try StatusServer(host: configuration.statusHost, port: configuration.statusPort, logger: logger) {
            routes.respond(method: $0, path: $1)
        }
        try status.start()
        // One transfer at a time: every post, heartbeat and sync shares one kept-alive connection.
        let http = CurlClient(concurrency: 1)
        // The APM probes' own transfers (APMCollector runs at most 4 at once, queued on these).
        let probeHTTP = CurlClient(concurrency: 2)
        let loop = AgentLoop(
            files: configuration.files, enrolment: configuration.enrolment, http: http, updateVerifier: configuration.updateVerifier, metrics: metrics,
            licenceRetry: .seconds(configuration.licenceRetrySeconds), probeHTTP: probeHTTP, logger: logger)
        logger.info(
            "agent started",
            metadata: [
                "machine_id": "\(configuration.enrolment.machineID.uuidString.lowercased())", "gateway": "\(configuration.enrolment.agentAPIURL)",
                "status_address": "\(configuration.statusHost):\(configuration.statusPort)",
            ])
        if configuration.updateKeysOverridden {
            logger.warning(
                "update signing keys replaced by OPTRALIS_UPDATE_PUBLIC_KEYS (tests and development only)",
                metadata: ["keys": "\(configuration.updateVerifier.keyCount)"])
        } else if configuration.updateVerifier.keyCount == 0 {
            logger.warning("no update signing key in this build: every offered update will be refused")
        }
        await loop.run(until: shutdown)
        status.stop()
        await http.shutdown()
        await probeHTTP.shutdown()
        logger.info("agent stopped")
    }
}
