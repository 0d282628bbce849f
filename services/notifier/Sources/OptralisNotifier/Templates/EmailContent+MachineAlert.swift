/// The machine-alert email (the spec's `machine-alert.html`): the machine, its status, the time of
/// detection, then the optional rows (last seen, OS, IP, agent version) only when present, and a
/// link to the dashboard.
extension EmailContent {
    static func machineAlert(_ input: TemplateInput) -> EmailContent {
        let l = input.locale
        let facts = input.alert.map { MachineAlertDetails($0, locale: l, common: input.common) } ?? MachineAlertDetails(variables: input)
        let machine = facts.machineName
        let client = facts.clientName.map(l.quoted)
        let intro: String
        switch facts.alertType {
        case .test:
            intro = l.t(
                "Ceci est un message de test envoyé par Optralis\(client.map { " pour le client \($0)" } ?? ""). Si vous le recevez, les alertes par email fonctionnent.",
                "This is a test message from Optralis\(client.map { " for client \($0)" } ?? ""). If you receive it, email alerts work.")
        case .machineOnline:
            intro = l.t(
                "Une machine\(client.map { " de \($0)" } ?? "") est de nouveau en ligne.",
                "A machine\(client.map { " of \($0)" } ?? "") is back online.")
        default:
            intro = l.t(
                "Optralis a détecté un problème sur une machine\(client.map { " de \($0)" } ?? "").",
                "Optralis detected a problem on a machine\(client.map { " of \($0)" } ?? "").")
        }
        let rows: [EmailBlock.Row?] = [
            EmailBlock.row("Machine", machine, monospace: true),
            EmailBlock.row(l.t("Statut", "Status"), facts.status, color: facts.statusColor),
            EmailBlock.row(l.t("Détectée le", "Detected at"), facts.alertTime),
            EmailBlock.row(l.t("Valeur", "Value"), facts.metric),
            EmailBlock.row(l.t("Dernière connexion", "Last seen"), facts.lastSeen),
            EmailBlock.row(l.t("Système", "Operating system"), facts.os),
            EmailBlock.row(l.t("IP locale", "Local IP"), facts.ip, monospace: true),
            EmailBlock.row(l.t("Version agent", "Agent version"), facts.agentVersion),
            EmailBlock.row(l.t("Détails", "Details"), facts.message),
        ]
        let title =
            facts.alertType == .test
            ? l.t("Notification de test", "Test notification")
            : facts.alertType == .machineOnline
                ? l.t("Machine de nouveau en ligne", "Machine back online")
                : l.t("Alerte machine", "Machine alert")
        let subject = [facts.status, machine, facts.clientName].compactMap { $0 }.joined(separator: " - ")
        return EmailContent(
            subject: facts.alertType == .test ? title + (facts.clientName.map { " - \($0)" } ?? "") : subject,
            preheader: [machine, facts.status, facts.alertTime].compactMap { $0 }.joined(separator: " · "),
            title: title,
            blocks: [.paragraph(intro), .details(rows.compactMap { $0 })]
                + input.button(l.t("Voir le tableau de bord", "Open the dashboard"), facts.dashboardURL))
    }
}
