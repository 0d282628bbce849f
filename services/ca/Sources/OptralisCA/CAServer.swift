import Hummingbird
import Logging
import OptralisPostgres
import OptralisServer

/// The ca service's composition root.
public struct CAServer: Sendable {
    public let configuration: CAConfiguration
    let database: Database
    let builder: ServiceApplicationBuilder<ServiceRequestContext>

    public init(configuration: CAConfiguration, logger: Logger) {
        self.configuration = configuration
        database = Database(url: configuration.databaseURL, logger: logger)
        builder = .init(service: "ca", address: configuration.address, database: database, redis: nil, redisUse: .none, logger: logger)
    }

    public func makeRouter() -> Router<ServiceRequestContext> {
        builder.router()
    }

    public func makeApplication() -> some ApplicationProtocol {
        builder.application(router: makeRouter())
    }
}
