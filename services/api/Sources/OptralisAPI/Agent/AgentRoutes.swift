import OptralisServer

extension APIDependencies {
    /// The controller of the agents' mTLS port (`/agent/…`): heartbeats, collect posts,
    /// configuration, certificate renewal.
    func agentController() -> AgentController {
        AgentController(
            statuses: statuses, licences: licences, ca: ca, certificates: CertificateRepository(client: postgres, logger: logger),
            heartbeats: HeartbeatService(
                client: postgres, catalog: catalog, requirements: RequirementsCache { try await catalog.requirements() },
                reconnectWindow: ReconnectWindow(rate: configuration.agentReconnectRate, client: postgres, logger: logger), queues: queues,
                activity: activity, publicURL: configuration.publicURL, logger: logger),
            settings: CollectionSettingsRepository(client: postgres, logger: logger),
            databases: DatabaseTargets(store: DatabaseStore(client: postgres, logger: logger), sealer: configuration.credentialSealer),
            catalog: catalog,
            collect: CollectController(committer: CollectCommitter(writer: CollectWriter(client: postgres, logger: logger), logger: logger)),
            logger: logger)
    }
}
