#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A file attached to an email (`Content-Disposition: attachment`), e.g. a scheduled report's
/// PDF. In an `email:queue` job its bytes travel base64-encoded (`content`).
public struct EmailAttachment: Codable, Sendable, Equatable {
    public var filename: String
    public var mimeType: String
    public var content: Data

    public init(filename: String, mimeType: String, content: Data) {
        self.filename = filename
        self.mimeType = mimeType
        self.content = content
    }

    /// What one job may carry in all: the queue is Redis memory, not a file store.
    public static let maximumTotalBytes = 10 * 1024 * 1024

    enum CodingKeys: String, CodingKey {
        case filename, content
        case mimeType = "mime_type"
    }
}
