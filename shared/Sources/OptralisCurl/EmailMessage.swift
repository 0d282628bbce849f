import OptralisCore
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An image embedded in an HTML email, shown by `<img src="cid:CONTENT_ID">` (RFC 2392).
public struct InlineImage: Sendable, Equatable {
    /// The Content-ID without angle brackets, e.g. `optralis-logo`.
    public var contentID: String
    public var mimeType: String
    public var filename: String
    public var bytes: [UInt8]

    public init(contentID: String, mimeType: String = "image/png", filename: String, bytes: [UInt8]) {
        self.contentID = contentID
        self.mimeType = mimeType
        self.filename = filename
        self.bytes = bytes
    }
}

/// An email with a plain-text and an HTML body, rendered as an RFC 5322 / MIME message
/// (multipart/alternative, base64 parts, RFC 2047 encoded headers) ready for ``CurlClient/sendMail(_:via:)``.
/// With inline images (and an HTML body) the alternative part is wrapped in a multipart/related
/// whose other parts are the images; without an HTML body inline images are ignored. With
/// attachments, all of that is the first part of a multipart/mixed whose other parts are the files.
public struct EmailMessage: Sendable {
    public var from: String
    public var fromName: String?
    public var to: [String]
    public var subject: String
    public var text: String
    public var html: String?
    public var inlineImages: [InlineImage]
    public var attachments: [EmailAttachment]
    public var date: Date
    public var messageID: String

    public init(
        from: String, fromName: String? = nil, to: [String], subject: String, text: String, html: String? = nil,
        inlineImages: [InlineImage] = [], attachments: [EmailAttachment] = [], date: Date = Date(), messageID: String? = nil
    ) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.inlineImages = inlineImages
        self.attachments = attachments
        self.date = date
        let domain = from.split(separator: "@").last.map(String.init) ?? "optralis.local"
        self.messageID = messageID ?? "<\(UUID().uuidString.lowercased())@\(domain)>"
    }

    public var envelope: SMTPEnvelope {
        SMTPEnvelope(from: from, recipients: to, message: Array(rendered().utf8))
    }

    /// The message text with CRLF line ends.
    public func rendered() -> String {
        var lines: [String] = []
        let sender = fromName.map { "\(Self.encodedWord($0)) <\(Self.headerSafe(from))>" } ?? Self.headerSafe(from)
        lines.append("From: \(sender)")
        lines.append("To: \(to.map(Self.headerSafe).joined(separator: ", "))")
        lines.append("Subject: \(Self.encodedWord(subject))")
        lines.append("Date: \(Self.rfc5322Date(date))")
        lines.append("Message-ID: \(Self.headerSafe(messageID))")
        lines.append("MIME-Version: 1.0")
        // Boundaries derived from the Message-ID, so rendering the same message twice gives the same
        // bytes. They differ before the (alphanumeric) suffix, so none is a prefix of another.
        let suffix = String(messageID.unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
        var content: [String]
        if let html {
            let boundary = "=_optralis_" + suffix
            var alternative = ["Content-Type: multipart/alternative; boundary=\"\(boundary)\"", ""]
            alternative.append("--\(boundary)")
            alternative += Self.part(contentType: "text/plain; charset=utf-8", body: text)
            alternative.append("--\(boundary)")
            alternative += Self.part(contentType: "text/html; charset=utf-8", body: html)
            alternative.append("--\(boundary)--")
            if inlineImages.isEmpty {
                content = alternative
            } else {
                let related = "=_optralis-rel_" + suffix
                content = ["Content-Type: multipart/related; type=\"multipart/alternative\"; boundary=\"\(related)\"", ""]
                content.append("--\(related)")
                content += alternative
                for image in inlineImages {
                    content.append("--\(related)")
                    content += Self.imagePart(image)
                }
                content.append("--\(related)--")
            }
        } else {
            content = Self.part(contentType: "text/plain; charset=utf-8", body: text)
        }
        if attachments.isEmpty {
            lines += content
        } else {
            let mixed = "=_optralis-mix_" + suffix
            lines += ["Content-Type: multipart/mixed; boundary=\"\(mixed)\"", "", "--\(mixed)"] + content
            for attachment in attachments {
                lines.append("--\(mixed)")
                lines += Self.attachmentPart(attachment)
            }
            lines.append("--\(mixed)--")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func part(contentType: String, body: String) -> [String] {
        ["Content-Type: \(contentType)", "Content-Transfer-Encoding: base64", ""] + base64Lines(Array(body.utf8))
    }

    private static func imagePart(_ image: InlineImage) -> [String] {
        let filename = quotedSafe(image.filename)
        return [
            "Content-Type: \(headerSafe(image.mimeType)); name=\"\(filename)\"",
            "Content-Transfer-Encoding: base64",
            "Content-ID: <\(headerSafe(image.contentID).filter { $0 != "<" && $0 != ">" })>",
            "Content-Disposition: inline; filename=\"\(filename)\"",
            "",
        ] + base64Lines(image.bytes)
    }

    private static func attachmentPart(_ attachment: EmailAttachment) -> [String] {
        let filename = quotedSafe(attachment.filename)
        return [
            "Content-Type: \(headerSafe(attachment.mimeType)); name=\"\(filename)\"",
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=\"\(filename)\"",
            "",
        ] + base64Lines(Array(attachment.content))
    }

    /// A value for a quoted header parameter: no line breaks, quotes or backslashes.
    static func quotedSafe(_ value: String) -> String {
        headerSafe(value).filter { $0 != "\"" && $0 != "\\" }
    }

    private static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let encoded = Data(bytes).base64EncodedString()
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines
    }

    /// Removes CR and LF so a value cannot start a new header (header injection).
    static func headerSafe(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
    }

    /// RFC 2047 `=?utf-8?B?…?=` when the text is not plain printable ASCII.
    static func encodedWord(_ value: String) -> String {
        let safe = headerSafe(value)
        if safe.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return safe }
        return "=?utf-8?B?\(Data(safe.utf8).base64EncodedString())?="
    }

    /// `Tue, 29 Oct 2024 08:36:24 +0000` (C locale, UTC).
    static func rfc5322Date(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
