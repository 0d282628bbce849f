import Foundation
import OptralisCore
import OptralisCurl
import OptralisRedis

/// Notification channels of a client: validation (addresses, the webhook SSRF guard), CRUD,
/// history and a real test through the notifier.
struct ChannelService: Sendable {
    static let channelTypes = ["email", "webhook_teams", "webhook_slack", "webhook_discord"]
    static let maximumAddresses = 50

    let channels: ChannelStore
    let queues: NotificationQueues?
    let activity: ActivityLogger
    /// A channel limited to a site needs the Business licence, as the sites do.
    let gate: LicenceGate
    /// True outside production: http and private addresses are allowed (a local sink under `make run`).
    let allowPrivateTargets: Bool
    let publicURL: String

    struct Input: Decodable, Sendable {
        let type: String?
        let name: String
        let enabled: Bool?
        var config: ChannelStore.ChannelConfig
        let alertTypes: [String]?
        /// "Alerts per site": the site whose machines alone the channel hears of. Absent: none on
        /// creation, unchanged on update (a client that knows nothing of sites keeps the limit);
        /// `null`: every machine.
        let siteID: UUID?
        let siteIDGiven: Bool
        enum CodingKeys: String, CodingKey { case type, name, enabled, config, alertTypes = "alert_types", siteID = "site_id" }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            type = try container.decodeIfPresent(String.self, forKey: .type)
            name = try container.decode(String.self, forKey: .name)
            enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled)
            config = try container.decode(ChannelStore.ChannelConfig.self, forKey: .config)
            alertTypes = try container.decodeIfPresent([String].self, forKey: .alertTypes)
            siteIDGiven = container.contains(.siteID)
            siteID = try container.decodeIfPresent(UUID.self, forKey: .siteID)
        }
    }

    struct TestResult: Codable, Sendable {
        let jobID: String
        let status: String
        let error: String?
        enum CodingKeys: String, CodingKey { case jobID = "job_id", status, error }
    }

    func validated(type: String, _ input: Input) throws -> (name: String, config: ChannelStore.ChannelConfig, alertTypes: [String]) {
        guard Self.channelTypes.contains(type) else { throw APIError.validation("type must be one of \(Self.channelTypes.joined(separator: ", "))") }
        let name = input.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.unicodeScalars.count) else { throw APIError.validation("name must be 1 to 100 characters") }
        let alertTypes = input.alertTypes ?? []
        // A test goes to the channel tested, an AI analysis to the channels its routine or trigger names: neither is filtered.
        let known = AlertType.allCases.filter { $0 != .test && $0 != .aiAnalysis }.map(\.rawValue)
        if let unknown = alertTypes.first(where: { !known.contains($0) }) { throw APIError.validation("unknown alert type \(unknown)") }
        var config = ChannelStore.ChannelConfig()
        if type == "email" {
            let addresses = (input.config.emails ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard (1...Self.maximumAddresses).contains(addresses.count) else {
                throw APIError.validation("config.emails must hold 1 to \(Self.maximumAddresses) addresses")
            }
            if let bad = addresses.first(where: { !Validation.isEmail($0) }) { throw APIError.validation("\(bad) is not a valid email address") }
            var seen = Set<String>()
            config.emails = addresses.filter { seen.insert($0).inserted }
        } else {
            guard let url = input.config.webhookURL?.trimmingCharacters(in: .whitespaces), !url.isEmpty else {
                throw APIError.validation("config.webhook_url is required")
            }
            do {
                _ = try OutboundTarget.check(url, allowPrivate: allowPrivateTargets)
            } catch {
                throw NotificationError.webhookURLRefused(error.reason)
            }
            config.webhookURL = url
            if type == "webhook_teams" {
                let version = input.config.cardVersion ?? "1.4"
                guard ["1.4", "1.5"].contains(version) else { throw APIError.validation("config.card_version must be 1.4 or 1.5") }
                config.cardVersion = version
            }
        }
        return (name, config, alertTypes)
    }

    /// The channel's site once `input` is applied to a channel limited to `current`: a site of
    /// the client (else 404), on a Business licence or above (else 403 `PREMIUM_REQUIRED`).
    func site(_ input: Input, current: UUID?, clientID: UUID) async throws -> UUID? {
        guard input.siteIDGiven else { return current }
        guard let site = input.siteID else { return nil }
        try await gate.require(.business, clientID: clientID)
        guard try await channels.siteExists(site, clientID: clientID) else { throw APIError.notFound("site") }
        return site
    }

    /// Queues a test message for the channel and waits (up to `wait`) for the notifier's verdict.
    func test(channelID: UUID, identity: Identity, wait: Duration = .seconds(10)) async throws -> TestResult {
        let clientID = try identity.requireClient()
        guard try await channels.find(id: channelID, clientID: clientID) != nil else { throw APIError.notFound("channel") }
        guard let queues else { throw NotificationError.queueNotConfigured }
        let client = try await channels.clientInfo(clientID: clientID)
        let delivery = ChannelDelivery(
            channelID: channelID, clientID: clientID,
            notification: AlertNotification(
                alertType: .test, clientName: client.name, language: client.language, severity: "info",
                message: client.language == "en"
                    ? "Test message sent from Optralis by \(identity.email)" : "Message de test envoyé depuis Optralis par \(identity.email)",
                dashboardURL: publicURL))
        do {
            try await queues.enqueue(delivery)
        } catch {
            throw NotificationError.queueUnavailable
        }
        await activity.record(
            .system, "Canal de notification testé", metadata: ["channel_id": channelID.uuidString], clientID: clientID, userID: identity.userID)
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        while clock.now < deadline {
            if let attempt = try await channels.latestAttempt(jobID: delivery.id, clientID: clientID) {
                return TestResult(jobID: delivery.id, status: attempt.status, error: attempt.error)
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        return TestResult(jobID: delivery.id, status: "pending", error: nil)
    }
}
