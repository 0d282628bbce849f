import OptralisCore

/// The errors of notification channels and their queue.
enum NotificationError {
    static let queueNotConfigured = AppError.serviceUnavailable("notification queue unavailable (REDIS_URL is not set)", code: "QUEUE_UNAVAILABLE")
    static let queueUnavailable = AppError.serviceUnavailable("notification queue unavailable, try again shortly", code: "QUEUE_UNAVAILABLE")

    static func webhookURLRefused(_ reason: String) -> AppError {
        .validation("config.webhook_url refused: \(reason)", code: "WEBHOOK_URL_REFUSED")
    }
}
