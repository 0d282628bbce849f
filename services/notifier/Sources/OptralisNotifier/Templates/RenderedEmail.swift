import OptralisCurl

/// A rendered email: the subject (plain text, the MIME layer encodes it), the plain-text body and the
/// HTML body (inline styles only, the logo referenced by `cid:`).
public struct RenderedEmail: Sendable, Equatable {
    public var subject: String
    public var text: String
    /// Empty for a text-only email (e.g. a `routine_notification` job without `htmlBody`).
    public var html: String

    public init(subject: String, text: String, html: String) {
        self.subject = subject
        self.text = text
        self.html = html
    }

    /// The MIME message: multipart/alternative (text + HTML), wrapped in multipart/related with the
    /// inline logo when there is an HTML body; text only otherwise.
    public func message(
        from: String, fromName: String? = nil, to recipients: [String], logo: InlineImage = OptralisLogo.inlineImage
    ) -> EmailMessage {
        EmailMessage(
            from: from, fromName: fromName, to: recipients, subject: subject, text: text,
            html: html.isEmpty ? nil : html, inlineImages: html.isEmpty ? [] : [logo])
    }
}
