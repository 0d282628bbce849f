import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import OptralisPostgres
import OptralisServer
import ServiceLifecycle

/// The agents' port (`AGENT_TLS_PORT`, 8443): HTTPS that requires a client certificate signed by
/// the Optralis CA (`AGENT_TLS_CA_FILE`); the server presents `AGENT_TLS_CERT_FILE`, made by
/// `optralis-ca server-cert`. It runs in the api's service group, beside the public port.
enum AgentGateway {
    struct Files: Sendable, Equatable {
        let certificate: String
        let key: String
        let authority: String
    }

    static func router(controller: AgentController, database: Database) -> Router<AgentRequestContext> {
        let router = Router(context: AgentRequestContext.self)
        // A fleet's routine posts at debug: 10,000 agents post about 1,700 times a second.
        router.addStandardMiddleware(routineLevel: .debug)
        router.add(middleware: DependencyOutageMiddleware(database: database))
        controller.addRoutes(to: router)
        return router
    }

    static func application(
        files: Files, address: ListenAddress, router: Router<AgentRequestContext>, gate: HandshakeGate, started: StartSignal, logger: Logger
    ) throws -> some ApplicationProtocol {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(files.certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: files.key, format: .pem)))
        tls.trustRoots = .file(files.authority)
        // Requires a client certificate and verifies its chain (no host name: clients are machines).
        tls.certificateVerification = .noHostnameVerification
        tls.minimumTLSVersion = .tlsv12
        // How long a connection the gateway closes waits for the agent's close_notify. An idle
        // agent (libcurl keeps its connection without reading it) never sends one, so at a stop
        // every connection waited NIOSSL's default 5 s and the api with them; every response has
        // been written in full by then, so there is nothing for the wait to protect.
        tls.shutdownTimeout = .seconds(1)
        var application = Application(
            router: router,
            server: try .tls(
                .http1(
                    configuration: .init(additionalChannelHandlers: [ConnectionBudget.agents.handler(), OldestFirstQuiesce.shared.handler(), gate.handler()])),
                tlsConfiguration: tls),
            // A gateway restart makes every agent reconnect at once: queue more than the default 256
            // (accepting is cheap; handshakes beyond the gate's limit wait for a place, unread).
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "optralis-api-agents", backlog: 4_096),
            logger: logger)
        // Listens once the api's start steps are done; a stop meanwhile ends the wait.
        application.beforeServerStarts { try await cancelWhenGracefulShutdown { try await started.wait() } }
        return application
    }
}
