import Foundation
import OptralisServer
import Hummingbird
import OptralisCore
import OptralisRedis

/// `/api/notifications/*`: a client's channels (admins write, observers read), the delivery
/// history, and the catalogues of alert and channel types.
struct NotificationsController {
    let service: ChannelService
    /// `POST channels/:id/test` sends a real email or webhook: ``testsPerMinute`` per client.
    let testLimiter: RateLimiter
    static let testsPerMinute = 10

    struct ChannelList: ResponseEncodable { let channels: [ChannelStore.Record] }
    struct HistoryPage: ResponseEncodable {
        let history: [ChannelStore.HistoryEntry]
        let total: Int
        let page: Int
        let limit: Int
    }
    struct TypeInfo: Codable {
        let key: String
        let label: String
        let labelEn: String
        enum CodingKeys: String, CodingKey { case key, label, labelEn = "label_en" }
    }
    struct Types: ResponseEncodable { let types: [TypeInfo] }
    struct ChannelTypeInfo: Codable {
        let key: String
        let label: String
        let format: String
        let config: [String]
    }
    struct ChannelTypes: ResponseEncodable {
        let channelTypes: [ChannelTypeInfo]
        enum CodingKeys: String, CodingKey { case channelTypes = "channel_types" }
    }

    static let alertTypes: [TypeInfo] = [
        .init(key: "machine_offline", label: "Machine hors ligne", labelEn: "Machine offline"),
        .init(key: "machine_online", label: "Machine en ligne", labelEn: "Machine back online"),
        .init(key: "high_cpu", label: "CPU élevé", labelEn: "High CPU"),
        .init(key: "high_ram", label: "RAM élevée", labelEn: "High RAM"),
        .init(key: "high_temperature", label: "Température élevée", labelEn: "High temperature"),
        .init(key: "disk_critical", label: "Disque critique", labelEn: "Critical disk"),
        .init(key: "smart_warning", label: "Alerte SMART", labelEn: "SMART alert"),
        .init(key: "brute_force", label: "Tentative brute force", labelEn: "Brute force attempt"),
    ]

    static let channelTypes: [ChannelTypeInfo] = [
        .init(key: "email", label: "Email", format: "HTML email", config: ["emails"]),
        .init(
            key: "webhook_teams", label: "Microsoft Teams", format: "Adaptive Card (1.4 by default, 1.5 with card_version)",
            config: ["webhook_url", "card_version"]),
        .init(key: "webhook_slack", label: "Slack", format: "Block Kit", config: ["webhook_url"]),
        .init(key: "webhook_discord", label: "Discord", format: "Embeds", config: ["webhook_url"]),
    ]

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        let channels = service.channels
        group.get("types") { _, _ in Types(types: Self.alertTypes) }
        group.get("channel-types") { _, _ in ChannelTypes(channelTypes: Self.channelTypes) }
        group.get("channels") { _, context in
            ChannelList(channels: try await channels.list(clientID: try context.requireIdentity().requireClient()))
        }
        group.get("channels/:id") { _, context -> ChannelStore.Record in
            let clientID = try context.requireIdentity().requireClient()
            guard let channel = try await channels.find(id: try context.parameters.require("id", as: UUID.self), clientID: clientID) else {
                throw APIError.notFound("channel")
            }
            return channel
        }
        group.post("channels") { request, context -> Response in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            let input = try await request.decode(as: ChannelService.Input.self, context: context)
            guard let type = input.type else { throw APIError.validation("type is required") }
            let valid = try service.validated(type: type, input)
            let id = try await channels.insert(
                clientID: clientID, type: type, name: valid.name, enabled: input.enabled ?? true, config: valid.config,
                alertTypes: valid.alertTypes, siteID: try await service.site(input, current: nil, clientID: clientID), createdBy: identity.userID)
            await service.activity.record(
                .system, "Canal de notification créé", metadata: ["name": valid.name, "type": type], clientID: clientID, userID: identity.userID,
                ip: context.clientIP)
            guard let created = try await channels.find(id: id, clientID: clientID) else { throw APIError.notFound("channel") }
            return try created.jsonResponse(from: request, context: context, status: .created)
        }
        group.put("channels/:id") { request, context -> ChannelStore.Record in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            let id = try context.parameters.require("id", as: UUID.self)
            guard let existing = try await channels.find(id: id, clientID: clientID) else { throw APIError.notFound("channel") }
            var input = try await request.decode(as: ChannelService.Input.self, context: context)
            if let type = input.type, type != existing.type { throw APIError.validation("a channel's type cannot change") }
            // Write-only URL: none, or the masked one a reader was shown, keeps the stored URL.
            if let stored = existing.config.webhookURL,
                input.config.webhookURL.map({ $0.trimmingCharacters(in: .whitespaces).isEmpty || $0 == ChannelStore.ChannelConfig.maskedURL(stored) }) ?? true
            {
                input.config.webhookURL = stored
            }
            let valid = try service.validated(type: existing.type, input)
            _ = try await channels.update(
                id: id, clientID: clientID, name: valid.name, enabled: input.enabled ?? existing.enabled, config: valid.config, alertTypes: valid.alertTypes,
                siteID: try await service.site(input, current: existing.siteID, clientID: clientID))
            await service.activity.record(
                .system, "Canal de notification modifié", metadata: ["name": valid.name], clientID: clientID, userID: identity.userID, ip: context.clientIP)
            guard let updated = try await channels.find(id: id, clientID: clientID) else { throw APIError.notFound("channel") }
            return updated
        }
        group.delete("channels/:id") { _, context -> HTTPResponse.Status in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            guard try await channels.delete(id: try context.parameters.require("id", as: UUID.self), clientID: clientID) else {
                throw APIError.notFound("channel")
            }
            await service.activity.record(.system, "Canal de notification supprimé", clientID: clientID, userID: identity.userID, ip: context.clientIP)
            return .noContent
        }
        group.post("channels/:id/test") { _, context -> ChannelService.TestResult in
            let identity = try context.requireIdentity()
            if case .limited(let retryAfter) = await testLimiter.check(scope: "channel-test", key: try identity.requireClient().lowercased) {
                throw HTTPError(
                    .tooManyRequests, headers: [.retryAfter: String(retryAfter)],
                    message: "at most \(Self.testsPerMinute) channel tests a minute per client: retry in \(retryAfter) s")
            }
            return try await service.test(channelID: try context.parameters.require("id", as: UUID.self), identity: identity)
        }
        group.get("history") { request, context -> HistoryPage in
            let clientID = try context.requireIdentity().requireClient()
            let filter = try Self.historyFilter(request.uri.queryParameters)
            let (entries, total) = try await channels.history(clientID: clientID, filter)
            return HistoryPage(history: entries, total: total, page: filter.paging.page, limit: filter.paging.limit)
        }
    }

    static func historyFilter(_ query: Parameters) throws -> ChannelStore.HistoryFilter {
        let status = query["status"].map(String.init)
        if let status, !["sent", "failed", "dead_letter"].contains(status) { throw APIError.validation("status must be sent, failed or dead_letter") }
        return .init(
            channelID: try query.uuid("channel_id"), status: status, alertType: try query.text("alert_type", maximumLength: 50),
            from: try query.date("from"), to: try query.date("to"), paging: try query.paging(defaultLimit: 50, maximumLimit: 200))
    }
}

extension ChannelStore.Record: ResponseEncodable {}
extension ChannelService.TestResult: ResponseEncodable {}
