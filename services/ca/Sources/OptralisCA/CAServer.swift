import Hummingbird
import Logging
import OptralisPostgres
import OptralisServer

/// The ca service's composition root. The CA key is loaded (or created) before the port opens;
/// a key readable by others stops the service.
public struct CAServer: Sendable {
    public let configuration: CAConfiguration
    let database: Database
    let builder: ServiceApplicationBuilder<ServiceRequestContext>

    public init(configuration: CAConfiguration, logger: Logger) {
        self.configuration = configuration
        database = Database(url: configuration.databaseURL, logger: logger)
        builder = .init(service: "ca", address: configuration.address, database: database, redis: nil, redisUse: .none, logger: logger)
    }

    /// The router, with the CA loaded from `CA_DIR` (created there on first use).
    public func makeRouter() throws -> Router<ServiceRequestContext> {
        let authority = try CertificateAuthority.loadOrCreate(directory: configuration.directory)
        let controller = CAController(
            authority: authority, store: CertificateStore(client: database.client, logger: builder.logger), logger: builder.logger)
        return builder.router { router in
            controller.addRoutes(to: router, token: configuration.serviceToken)
        }
    }

    public func makeApplication() throws -> some ApplicationProtocol {
        builder.application(router: try makeRouter())
    }
}
