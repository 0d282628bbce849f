import Foundation
import OptralisCore

/// The contact form's emails: the confirmation to the visitor and the notification to the team.
/// The notification's variables: `name`, `email`, `company` (optional), `message`.
extension EmailContent {
    /// A fixed text, whatever the job's data: the address is the visitor's word, so repeating
    /// their name or message would let anyone send their own text from the operator's domain.
    static func contactConfirmation(_ input: TemplateInput) -> EmailContent {
        let l = input.locale
        let blocks: [EmailBlock] = [
            .paragraph(l.t("Bonjour,", "Hello,")),
            .paragraph(
                l.t(
                    "Merci de votre intérêt pour Optralis. Nous avons bien reçu votre message et nous vous répondrons dans les plus brefs délais.",
                    "Thank you for your interest in Optralis. We received your message and will get back to you shortly.")),
            .paragraph(
                l.t(
                    "Si vous n'avez pas écrit à Optralis, ignorez cet email.",
                    "If you did not write to Optralis, ignore this email.")),
            .small(l.t("L'équipe \(input.common.companyName)", "The \(input.common.companyName) team")),
        ]
        return EmailContent(
            subject: l.t("Nous avons bien reçu votre message", "We received your message"),
            preheader: l.t("Nous vous répondrons rapidement.", "We will get back to you shortly."),
            title: l.t("Message bien reçu", "Message received"),
            blocks: blocks)
    }

    static func contactNotification(_ input: TemplateInput) -> EmailContent {
        let l = input.locale
        let name = input.value("name") ?? input.value("email") ?? l.t("un visiteur", "a visitor")
        let from = input.value("company").map { "\(name) (\($0))" } ?? name
        var blocks: [EmailBlock] = [
            .paragraph(l.t("Un visiteur a envoyé le formulaire de contact du site Optralis.", "A visitor sent the Optralis website's contact form.")),
            .details(
                [
                    EmailBlock.row(l.t("Nom", "Name"), input.value("name")),
                    EmailBlock.row("Email", input.value("email")),
                    EmailBlock.row(l.t("Société", "Company"), input.value("company")),
                ].compactMap { $0 }),
        ]
        if let message = input.value("message") {
            blocks.append(.quote(label: "Message", text: message))
        }
        if let reply = HTMLText.mailto(input.value("email")) {
            blocks.append(.button(label: l.t("Répondre", "Reply"), url: reply))
        }
        return EmailContent(
            subject: l.t("Nouveau message de contact de \(from)", "New contact message from \(from)"),
            preheader: String((input.value("message") ?? "").prefix(120)),
            title: l.t("Nouveau message de contact", "New contact message"),
            blocks: blocks)
    }
}
