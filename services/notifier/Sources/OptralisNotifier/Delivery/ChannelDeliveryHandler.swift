import Foundation
import Logging
import OptralisCore
import OptralisCurl

/// Delivers `notification:queue` jobs: one alert or AI automation message to one channel (email
/// list, Teams, Slack or Discord webhook), recording every attempt in `notification_history`.
struct ChannelDeliveryHandler: JobHandler {
    let store: ChannelStore
    let http: CurlClient
    let mailer: Mailer
    /// False in production: webhooks must be https to public addresses (checked after DNS).
    let allowPrivateTargets: Bool
    let logger: Logger

    func handle(_ job: JobEnvelope, attempt: Int) async -> JobOutcome {
        guard let delivery = job.decode(ChannelDelivery.self) else { return .failed(error: "not a channel delivery job") }
        let channel: ChannelStore.Channel?
        do {
            channel = try await store.channel(id: delivery.channelID, clientID: delivery.clientID)
        } catch {
            return .retry(error: "database unavailable: \(error)", after: nil)
        }
        guard let channel else { return .failed(error: "channel not found") }
        guard channel.enabled || delivery.notification.alertType == .test else { return .failed(error: "channel disabled") }

        let outcome: JobOutcome
        switch channel.type {
        case "email":
            outcome = await sendEmail(delivery.notification, to: channel.config.emails ?? [])
        case "webhook_teams", "webhook_slack", "webhook_discord":
            outcome = await post(delivery.notification, channel: channel)
        default:
            outcome = .failed(error: "unknown channel type \(channel.type)")
        }
        // Stopped by a shutdown: not an attempt, the job goes back to the queue.
        if Task.isCancelled && outcome != .delivered { return outcome }
        let record = Self.record(delivery, job: job)
        switch outcome {
        case .delivered:
            await store.record(
                .init(delivery: record, channelType: channel.type, subject: title(delivery.notification), status: "sent", attempts: attempt, error: nil))
        case .retry(let error, _), .failed(let error):
            await store.record(
                .init(delivery: record, channelType: channel.type, subject: title(delivery.notification), status: "failed", attempts: attempt, error: error))
        }
        return outcome
    }

    func buried(_ job: JobEnvelope, error: String, attempts: Int) async {
        guard let delivery = job.decode(ChannelDelivery.self),
            let channel = try? await store.channel(id: delivery.channelID, clientID: delivery.clientID)
        else { return }
        await store.record(
            .init(
                delivery: Self.record(delivery, job: job), channelType: channel.type, subject: title(delivery.notification),
                status: "dead_letter", attempts: attempts, error: error))
    }

    private func sendEmail(_ alert: AlertNotification, to addresses: [String]) async -> JobOutcome {
        guard !addresses.isEmpty else { return .failed(error: "email channel without addresses") }
        return await mailer.sendAlert(alert, to: addresses)
    }

    private func post(_ alert: AlertNotification, channel: ChannelStore.Channel) async -> JobOutcome {
        guard let url = channel.config.webhookURL else { return .failed(error: "webhook channel without webhook_url") }
        let pinned: String?
        do {
            pinned = try OutboundTarget.check(url, allowPrivate: allowPrivateTargets)
        } catch {
            return .failed(error: "webhook URL refused: \(error.reason)")
        }
        let body: [UInt8] =
            switch channel.type {
            case "webhook_teams": WebhookPayloads.teams(alert, cardVersion: channel.config.cardVersion ?? "1.4")
            case "webhook_slack": WebhookPayloads.slack(alert)
            default: WebhookPayloads.discord(alert)
            }
        var request = OutboundRequest.postJSON(url, body: body, timeout: .seconds(15))
        request.pinnedAddress = pinned
        do {
            let response = try await http.send(request)
            switch response.status {
            case 200..<300:
                return .delivered
            case 429:
                let retryAfter = response.header("Retry-After").flatMap(Int.init).map { Duration.seconds(max(1, min($0, 3600))) } ?? .seconds(30)
                return .retry(error: "429 rate limited by the platform", after: retryAfter)
            case 408, 500..<600:
                return .retry(error: "HTTP \(response.status): \(response.bodyText.prefix(200))", after: nil)
            default:
                return .failed(error: "HTTP \(response.status): \(response.bodyText.prefix(200))")
            }
        } catch {
            return .retry(error: "\(error)", after: nil)
        }
    }

    /// The history's subject: the sender's headline (an AI message's subject), else the type and machine.
    private func title(_ alert: AlertNotification) -> String {
        if let title = alert.title, !title.isEmpty { return title }
        return [alert.alertType.rawValue, alert.machineName].compactMap { $0 }.joined(separator: " ")
    }

    static func record(_ delivery: ChannelDelivery, job: JobEnvelope) -> ChannelDeliveryRecord {
        let severity = delivery.notification.severity.flatMap { ["info", "low", "warning", "critical"].contains($0) ? $0 : nil }
        return ChannelDeliveryRecord(
            jobID: job.id, clientID: delivery.clientID, channelID: delivery.channelID, machineID: delivery.machineID,
            ruleID: delivery.ruleID, alertType: delivery.notification.alertType.rawValue, severity: severity,
            message: delivery.notification.message ?? "")
    }
}
