import OptralisCurl
import ServiceLifecycle

/// Ties a ``CurlClient`` to the service group: its threads stop once graceful shutdown begins
/// and the transfers in flight are done.
public struct CurlService: Service {
    public let client: CurlClient

    public init(client: CurlClient) {
        self.client = client
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await client.shutdown()
    }
}
