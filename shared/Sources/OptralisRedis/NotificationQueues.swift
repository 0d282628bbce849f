import Foundation
import OptralisCore

/// The notifier's two queues, and the one way every service puts work on them.
/// `email:queue` holds transactional emails in the spec's job format; `notification:queue`
/// holds alert deliveries to a client's channels.
public struct NotificationQueues: Sendable {
    public static let email = "email:queue"
    public static let delivery = "notification:queue"

    private let redis: RedisClient

    public init(redis: RedisClient) {
        self.redis = redis
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    public func enqueue(_ job: EmailJob) async throws {
        try await ReliableQueue(name: Self.email, redis: redis).enqueue(String(decoding: try Self.encoder.encode(job), as: UTF8.self))
    }

    public func enqueue(_ delivery: ChannelDelivery) async throws {
        try await ReliableQueue(name: Self.delivery, redis: redis).enqueue(String(decoding: try Self.encoder.encode(delivery), as: UTF8.self))
    }
}

extension NotificationQueues {
    /// Whether Redis answers, before an operation that must not be half done.
    public func ping() async throws {
        _ = try await redis.ping()
    }
}
