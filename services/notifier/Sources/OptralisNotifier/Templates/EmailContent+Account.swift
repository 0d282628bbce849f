import Foundation

/// The account emails: password reset, welcome, new password (reset by an administrator), password
/// expiration.
extension EmailContent {
    /// Variables: `first_name`, `reset_url`, `expires_in_minutes` (default 60).
    static func passwordReset(_ input: TemplateInput) -> EmailContent {
        let l = input.locale
        let minutes = input.value("expires_in_minutes") ?? "60"
        return EmailContent(
            subject: l.t("Réinitialisation de votre mot de passe", "Reset your password"),
            preheader: l.t("Choisissez un nouveau mot de passe Optralis.", "Choose a new Optralis password."),
            title: l.t("Réinitialisation du mot de passe", "Reset your password"),
            blocks: [
                input.greeting(),
                .paragraph(
                    l.t(
                        "Nous avons reçu une demande de réinitialisation du mot de passe de votre compte Optralis. Cliquez sur le bouton ci-dessous pour en choisir un nouveau.",
                        "We received a request to reset the password of your Optralis account. Click the button below to choose a new one.")),
            ] + input.button(l.t("Réinitialiser mon mot de passe", "Reset my password"), input.value("reset_url")) + [
                .notice(
                    l.t(
                        "Ce lien expire dans \(minutes) minutes et ne peut être utilisé qu'une seule fois.",
                        "This link expires in \(minutes) minutes and can be used only once."), color: EmailTemplate.Accent.amber),
                .small(
                    l.t(
                        "Si vous n'êtes pas à l'origine de cette demande, ignorez cet email : votre mot de passe reste inchangé.",
                        "If you did not make this request, ignore this email: your password stays unchanged.")),
            ])
    }

    /// Variables: `first_name`, `login_url`, `client_name`, `temporary_password` (optional).
    static func welcome(_ input: TemplateInput) -> EmailContent {
        let l = input.locale
        let created =
            input.value("client_name").map {
                l.t("Un compte Optralis a été créé pour vous au sein de \(l.quoted($0)).", "An Optralis account has been created for you in \(l.quoted($0)).")
            } ?? l.t("Un compte Optralis a été créé pour vous.", "An Optralis account has been created for you.")
        var blocks: [EmailBlock] = [
            input.greeting(),
            .paragraph(
                created + " "
                    + l.t(
                        "Optralis vous permet de suivre en temps réel l'état de vos machines : métriques, alertes et rapports.",
                        "Optralis lets you follow your machines in real time: metrics, alerts and reports.")),
        ]
        if let password = input.value("temporary_password") {
            blocks += [
                .secret(label: l.t("Mot de passe temporaire", "Temporary password"), value: password),
                .notice(
                    l.t(
                        "Pour votre sécurité, vous devrez choisir un nouveau mot de passe lors de votre première connexion.",
                        "For your security, you will choose a new password when you first sign in."), color: EmailTemplate.Accent.amber),
            ]
        }
        return EmailContent(
            subject: l.t("Bienvenue sur Optralis", "Welcome to Optralis"),
            preheader: l.t("Votre compte Optralis est prêt.", "Your Optralis account is ready."),
            title: l.t("Bienvenue sur Optralis", "Welcome to Optralis"),
            blocks: blocks + input.button(l.t("Se connecter", "Sign in"), input.value("login_url") ?? input.site()))
    }

    /// Variables: `first_name`, `login_url`, `temporary_password`.
    static func newPassword(_ input: TemplateInput) -> EmailContent {
        let l = input.locale
        var blocks: [EmailBlock] = [
            input.greeting(),
            .paragraph(
                l.t(
                    "Un administrateur a réinitialisé le mot de passe de votre compte Optralis et fermé vos sessions ouvertes.",
                    "An administrator reset the password of your Optralis account and closed your open sessions.")),
        ]
        if let password = input.value("temporary_password") {
            blocks.append(.secret(label: l.t("Mot de passe temporaire", "Temporary password"), value: password))
        }
        blocks.append(
            .notice(
                l.t(
                    "Vous devrez choisir un nouveau mot de passe lors de votre prochaine connexion.",
                    "You will choose a new password when you next sign in."), color: EmailTemplate.Accent.amber))
        return EmailContent(
            subject: l.t("Votre nouveau mot de passe", "Your new password"),
            preheader: l.t("Votre mot de passe Optralis a été réinitialisé.", "Your Optralis password was reset."),
            title: l.t("Nouveau mot de passe", "Your password was reset"),
            blocks: blocks + input.button(l.t("Se connecter", "Sign in"), input.value("login_url") ?? input.site()) + [
                .small(
                    l.t(
                        "Si vous n'attendiez pas ce changement, contactez l'administrateur de votre compte.",
                        "If you did not expect this change, contact your account's administrator."))
            ])
    }

    /// Variables: `first_name`, `days_left`, `change_url` (default: the site).
    static func passwordExpiration(_ input: TemplateInput) -> EmailContent {
        let l = input.locale
        let days = input.integer("days_left")
        let when: String =
            switch days {
            case .some(let n) where n > 0: l.t("Votre mot de passe expire dans \(l.days(n))", "Your password expires in \(l.days(n))")
            case .some(0): l.t("Votre mot de passe expire aujourd'hui", "Your password expires today")
            case .some: l.t("Votre mot de passe a expiré", "Your password has expired")
            case nil: l.t("Votre mot de passe expire bientôt", "Your password expires soon")
            }
        return EmailContent(
            subject: when, preheader: l.t("Changez-le dès maintenant.", "Change it now."),
            title: when,
            blocks: [
                input.greeting(),
                .paragraph(
                    l.t(
                        "Pour la sécurité de votre compte, les mots de passe Optralis doivent être changés tous les 90 jours.",
                        "For your account's security, Optralis passwords must be changed every 90 days.")),
            ] + input.button(l.t("Changer mon mot de passe", "Change my password"), input.value("change_url") ?? input.site()) + [
                .small(
                    l.t(
                        "Une fois le mot de passe expiré, vous devrez le changer lors de votre prochaine connexion.",
                        "Once your password has expired, you will change it when you next sign in."))
            ])
    }
}
