#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A job on the `email:queue` Redis list, in the spec's format ("Email Queue Worker"):
/// `{"type": "welcome", "email": "...", "language": "fr", "data": {...}, "created_at": "...", "retries": 0}`.
/// The notifier renders the email from `type` and `data`.
public struct EmailJob: Codable, Sendable, Equatable {
    /// The idempotency key: a job recovered after it was delivered is not sent again.
    public var id: String
    /// `welcome`, `password_reset`, `new_password`, `routine_notification`, `report_notification`,
    /// `security_notice` (the last three carry their own `subject` and `textBody` in `data`).
    public var type: String
    public var email: String
    public var language: String
    public var data: [String: String]
    /// `data` entries that are credentials (a temporary password, a reset link): a job that
    /// reaches the dead-letter list keeps everything else, these as ``redacted``.
    public static let secretDataKeys: Set<String> = ["temporary_password", "reset_url"]
    public static let redacted = "[redacted]"
    public var createdAt: Date
    public var retries: Int
    /// Files sent with the email (a scheduled report's PDF); absent in most jobs.
    public var attachments: [EmailAttachment]?

    public init(
        id: String = UUID().uuidString.lowercased(), type: String, email: String, language: String, data: [String: String],
        createdAt: Date = Date(), retries: Int = 0, attachments: [EmailAttachment]? = nil
    ) {
        self.id = id
        self.type = type
        self.email = email
        self.language = language
        self.data = data
        self.createdAt = createdAt
        self.retries = retries
        self.attachments = attachments
    }

    enum CodingKeys: String, CodingKey {
        case id, type, email, language, data, retries, attachments
        case createdAt = "created_at"
    }
}
