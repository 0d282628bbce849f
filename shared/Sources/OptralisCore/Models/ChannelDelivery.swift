#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A job on `notification:queue`: deliver one alert through one notification channel.
/// `id` is the idempotency key (a job recovered after it was delivered is not sent again).
public struct ChannelDelivery: Codable, Sendable, Equatable {
    public var id: String
    public var channelID: UUID
    public var clientID: UUID
    public var notification: AlertNotification
    public var machineID: UUID?
    public var ruleID: UUID?
    public var createdAt: Date
    public var retries: Int

    public init(
        id: String = UUID().uuidString.lowercased(), channelID: UUID, clientID: UUID, notification: AlertNotification,
        machineID: UUID? = nil, ruleID: UUID? = nil, createdAt: Date = Date(), retries: Int = 0
    ) {
        self.id = id
        self.channelID = channelID
        self.clientID = clientID
        self.notification = notification
        self.machineID = machineID
        self.ruleID = ruleID
        self.createdAt = createdAt
        self.retries = retries
    }

    enum CodingKeys: String, CodingKey {
        case id, notification, retries
        case channelID = "channel_id", clientID = "client_id", machineID = "machine_id", ruleID = "rule_id", createdAt = "created_at"
    }
}
