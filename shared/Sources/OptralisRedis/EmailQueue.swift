import Foundation
import OptralisCore

/// Puts email jobs on `email:queue` for the notifier (LPUSH; the notifier takes from the right).
public struct EmailQueue: Sendable {
    public static let key = "email:queue"
    private let redis: RedisClient

    public init(redis: RedisClient) {
        self.redis = redis
    }

    public func enqueue(_ job: EmailJob) async throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let payload = String(decoding: try encoder.encode(job), as: UTF8.self)
        try await redis.leftPush(Self.key, payload)
    }
}
