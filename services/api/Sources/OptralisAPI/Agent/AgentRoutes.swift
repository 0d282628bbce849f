import OptralisServer

extension APIDependencies {
    /// The controller of the agents' mTLS port (`/agent/…`): heartbeats, collect posts,
    /// configuration, certificate renewal.
    func agentController() -> AgentController {
        AgentController(
            statuses: statuses, licences: licences, ca: ca, certificates: CertificateStore(database: postgres, logger: logger),
            heartbeats: HeartbeatService(
                database: postgres, beats: BeatCommitter(database: beatPostgres, logger: logger), catalog: catalog,
                requirements: RequirementsCache { try await catalog.requirements() },
                reconnectWindow: ReconnectWindow(rate: configuration.agentReconnectRate, database: postgres, logger: logger), queues: queues,
                activity: activity, publicURL: configuration.publicURL, logger: logger),
            settings: CollectionSettingsStore(database: postgres, logger: logger),
            databases: DatabaseTargets(store: DatabaseStore(database: postgres, logger: logger), sealer: configuration.credentialSealer),
            apm: APMStore(database: postgres, logger: logger),
            catalog: catalog,
            collect: CollectController(committer: CollectCommitter(writer: CollectWriter(database: collectPostgres, logger: logger), logger: logger)),
            logger: logger)
    }
}
