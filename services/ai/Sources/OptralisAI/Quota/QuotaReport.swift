import Foundation

/// The body of `GET /ai/quota` and `POST /ai/quota/set`: the client and its monthly AI quota.
struct QuotaReport: Sendable, Encodable {
    var clientID: UUID
    var status: QuotaStatus

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id"
    }

    func encode(to encoder: any Encoder) throws {
        try status.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(clientID, forKey: .clientID)
    }
}
