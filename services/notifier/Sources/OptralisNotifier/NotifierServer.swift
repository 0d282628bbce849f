import Foundation
import Hummingbird
import Logging
import OptralisCurl
import OptralisPostgres
import OptralisRedis
import OptralisServer

/// The notifier's composition root: two reliable consumers (transactional email, channel
/// deliveries) and `/health` with the queues' counts.
public struct NotifierServer: Sendable {
    public let configuration: NotifierConfiguration
    let database: Database
    let redis: RedisClient
    let builder: ServiceApplicationBuilder<ServiceRequestContext>

    public init(configuration: NotifierConfiguration, logger: Logger) {
        self.configuration = configuration
        database = Database(url: configuration.databaseURL, logger: logger)
        // Each worker may park in BLMOVE: room for both consumers plus bookkeeping.
        redis = RedisClient(url: configuration.redisURL, maximumConnections: configuration.concurrency * 2 + 8, logger: logger)
        builder = .init(service: "notifier", address: configuration.address, database: database, redis: redis, redisUse: .required, logger: logger)
    }

    public func makeRouter() -> Router<ServiceRequestContext> {
        builder.router(extraHealthChecks: [queueCheck(NotificationQueues.email), queueCheck(NotificationQueues.delivery)]) { _ in }
    }

    /// A health entry per queue: up while its counts can be read (they appear in `counts`).
    private func queueCheck(_ name: String) -> HealthCheck {
        let queue = ReliableQueue(name: name, redis: redis)
        return HealthCheck(name: name, required: false) {
            let clock = ContinuousClock()
            let start = clock.now
            _ = try await queue.counts()
            return clock.now - start
        } counts: {
            guard let counts = try? await queue.counts() else { return [:] }
            return ["pending": counts.pending, "delayed": counts.delayed, "dead_letter": counts.dead]
        }
    }

    public func makeApplication() -> some ApplicationProtocol {
        let logger = builder.logger
        let curl = CurlClient(concurrency: configuration.concurrency * 2)
        let mailer = Mailer(
            curl: curl, smtp: configuration.smtp, from: configuration.smtpFrom, fromName: configuration.smtpFromName,
            common: CommonEmailVariables(baseURL: configuration.publicURL), logger: logger)
        let store = ChannelStore(client: database.client, logger: logger)
        let deliveries = ChannelDeliveryHandler(
            store: store, http: curl, mailer: mailer, allowPrivateTargets: configuration.environment != .production, logger: logger)
        var emailConsumer = QueueConsumer(
            queue: ReliableQueue(name: NotificationQueues.email, redis: redis), consumerID: configuration.consumerID,
            concurrency: configuration.concurrency, handler: EmailJobHandler(mailer: mailer), logger: logger)
        var deliveryConsumer = QueueConsumer(
            queue: ReliableQueue(name: NotificationQueues.delivery, redis: redis), consumerID: configuration.consumerID,
            concurrency: configuration.concurrency, handler: deliveries, logger: logger)
        emailConsumer.baseBackoff = configuration.retryBase
        deliveryConsumer.baseBackoff = configuration.retryBase
        emailConsumer.shutdownGrace = configuration.shutdownGrace
        deliveryConsumer.shutdownGrace = configuration.shutdownGrace
        // Services stop in reverse order: the consumers before the HTTP client they deliver with.
        return builder.application(
            router: makeRouter(), workers: [CurlService(client: curl), QueueConsumers(consumers: [emailConsumer, deliveryConsumer])])
    }
}
