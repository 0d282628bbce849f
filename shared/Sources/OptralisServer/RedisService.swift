import OptralisRedis
import ServiceLifecycle

/// Ties a ``RedisClient`` to the service group: it is closed once graceful shutdown begins.
public struct RedisService: Service {
    public let client: RedisClient

    public init(client: RedisClient) {
        self.client = client
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await client.shutdown()
    }
}
