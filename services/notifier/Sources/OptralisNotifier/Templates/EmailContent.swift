/// What one email says, before layout: the subject, the hidden preview line, the title (shown in
/// the template's accent colour) and the body's blocks. Built per template by the `EmailContent+…`
/// extensions from a ``TemplateInput``.
struct EmailContent: Sendable, Equatable {
    var subject: String
    /// The preview line mail clients show after the subject (hidden in the body).
    var preheader: String
    var title: String
    var blocks: [EmailBlock]

    /// The prefix of every subject, as in the spec's example "[Optralis] Rapport Quotidien - …".
    static let subjectPrefix = "[Optralis] "

    init(subject: String, preheader: String, title: String, blocks: [EmailBlock]) {
        self.subject = Self.subjectPrefix + subject
        self.preheader = preheader
        self.title = title
        self.blocks = blocks
    }

    /// The content of `template`.
    static func make(_ template: EmailTemplate, _ input: TemplateInput) -> EmailContent {
        switch template {
        case .passwordReset: passwordReset(input)
        case .welcome: welcome(input)
        case .newPassword: newPassword(input)
        case .passwordExpiration: passwordExpiration(input)
        case .contactConfirmation: contactConfirmation(input)
        case .contactNotification: contactNotification(input)
        case .licenseExpiration: licenseExpiration(input)
        case .licenseExtended: licenseExtended(input)
        case .certificateExpiration: certificateExpiration(input)
        case .machineAlert: machineAlert(input)
        case .dailySummary: dailySummary(input)
        }
    }
}
