import Foundation

/// The license and certificate emails sent to a client's administrators.
extension EmailContent {
    /// Variables: `client_name`, `days_left`, `expires_at` (ISO 8601 date or timestamp, or display text).
    static func licenseExpiration(_ input: TemplateInput) -> EmailContent {
        let l = input.locale
        let client = input.value("client_name")
        let days = input.integer("days_left")
        let expired = (days ?? 1) <= 0
        let when: String =
            switch days {
            case .some(let n) where n > 0: l.t("Votre licence expire dans \(l.days(n))", "Your license expires in \(l.days(n))")
            case .some(0): l.t("Votre licence expire aujourd'hui", "Your license expires today")
            case .some: l.t("Votre licence a expiré", "Your license has expired")
            case nil: l.t("Votre licence expire bientôt", "Your license expires soon")
            }
        let date = input.value("expires_at").map(l.day)
        let whose =
            client.map { l.t("La licence Optralis de \(l.quoted($0))", "The Optralis license of \(l.quoted($0))") }
            ?? l.t("Votre licence Optralis", "Your Optralis license")
        let sentence =
            date.map {
                expired ? l.t("\(whose) a expiré le \($0).", "\(whose) expired on \($0).") : l.t("\(whose) expire le \($0).", "\(whose) expires on \($0).")
            } ?? (expired ? l.t("\(whose) a expiré.", "\(whose) has expired.") : l.t("\(whose) arrive à échéance.", "\(whose) is about to expire."))
        let amber = EmailTemplate.Accent.amber
        return EmailContent(
            subject: client.map { "\(when) - \($0)" } ?? when,
            preheader: sentence, title: when,
            blocks: [
                .paragraph(sentence),
                .details(
                    [
                        EmailBlock.row("Client", client),
                        EmailBlock.row(l.t("Date d'expiration", "Expiration date"), date, color: amber),
                        EmailBlock.row(l.t("Jours restants", "Days left"), days.map { String(max($0, 0)) }, color: amber),
                    ].compactMap { $0 }),
                .paragraph(
                    l.t(
                        "Pour éviter toute interruption de la supervision, contactez \(input.common.companyName) afin de prolonger votre licence.",
                        "To avoid any interruption of your monitoring, contact \(input.common.companyName) to extend your license.")),
                .button(label: l.t("Contacter \(input.common.companyName)", "Contact \(input.common.companyName)"), url: input.common.companyURL),
            ])
    }

    /// Variables: `client_name`, `expires_at` (the new expiration date).
    static func licenseExtended(_ input: TemplateInput) -> EmailContent {
        let l = input.locale
        let client = input.value("client_name")
        let whose =
            client.map { l.t("La licence Optralis de \(l.quoted($0))", "The Optralis license of \(l.quoted($0))") }
            ?? l.t("Votre licence Optralis", "Your Optralis license")
        return EmailContent(
            subject: client.map { l.t("Licence prolongée - \($0)", "License extended - \($0)") } ?? l.t("Licence prolongée", "License extended"),
            preheader: l.t("Votre licence a été prolongée.", "Your license was extended."),
            title: l.t("Licence prolongée", "License extended"),
            blocks: [
                .paragraph(l.t("\(whose) a été prolongée. Merci de votre confiance !", "\(whose) has been extended. Thank you for your trust!")),
                .details(
                    [
                        EmailBlock.row("Client", client),
                        EmailBlock.row(
                            l.t("Nouvelle date d'expiration", "New expiration date"), input.value("expires_at").map(l.day), color: EmailTemplate.Accent.green),
                    ].compactMap { $0 }),
                .button(label: l.t("Ouvrir Optralis", "Open Optralis"), url: input.site()),
            ])
    }

    /// Variables: `client_name`, `machines` (comma-separated names), `count` (default: the names' count).
    static func certificateExpiration(_ input: TemplateInput) -> EmailContent {
        let l = input.locale
        let machines = (input.value("machines") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        let count = input.integer("count") ?? machines.count
        let counted =
            count == 1
            ? l.t("1 certificat mTLS expiré", "1 expired mTLS certificate")
            : l.t("\(count) certificats mTLS expirés", "\(count) expired mTLS certificates")
        let client = input.value("client_name")
        let whose = client.map { l.t(" de \(l.quoted($0))", " of \(l.quoted($0))") } ?? ""
        var blocks: [EmailBlock] = [
            .paragraph(
                count == 1
                    ? l.t(
                        "Le certificat mTLS de cette machine\(whose) a expiré : elle ne peut plus s'authentifier auprès d'Optralis ni envoyer de métriques.",
                        "The mTLS certificate of this machine\(whose) has expired: it can no longer authenticate to Optralis or send metrics.")
                    : l.t(
                        "Les certificats mTLS de ces machines\(whose) ont expiré : elles ne peuvent plus s'authentifier auprès d'Optralis ni envoyer de métriques.",
                        "The mTLS certificates of these machines\(whose) have expired: they can no longer authenticate to Optralis or send metrics."))
        ]
        if !machines.isEmpty { blocks.append(.list(label: l.t("Machines", "Machines"), items: machines)) }
        blocks.append(
            .paragraph(
                l.t(
                    "Un administrateur peut renouveler un certificat depuis la page de la machine dans Optralis.",
                    "An administrator can renew a certificate from the machine's page in Optralis.")))
        blocks.append(.button(label: l.t("Voir les machines", "View machines"), url: input.site()))
        return EmailContent(
            subject: client.map { "\(counted) - \($0)" } ?? counted,
            preheader: machines.prefix(5).joined(separator: ", "),
            title: l.t("Certificats mTLS expirés", "Expired mTLS certificates"),
            blocks: blocks)
    }
}
