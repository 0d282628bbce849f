import OptralisCore

/// The plain-text version of an email: the same blocks as the HTML, as readable text.
enum EmailTextLayout {
    static func render(_ content: EmailContent, locale: EmailLocale, common: CommonEmailVariables) -> String {
        var sections: [String] = [content.title, String(repeating: "=", count: min(max(content.title.count, 8), 60))]
        var body: [String] = []
        for block in content.blocks {
            if let text = render(block, locale: locale) { body.append(text) }
        }
        sections = [sections.joined(separator: "\n")] + body
        let automatic = locale.t(
            "Cet email a été envoyé automatiquement par Optralis, merci de ne pas y répondre.",
            "This email was sent automatically by Optralis, please do not reply.")
        let company = common.companyURL.isEmpty ? common.companyName : "\(common.companyName) - \(common.companyURL)"
        sections.append("--\n\(automatic)\n© \(common.year) \(company)")
        return sections.joined(separator: "\n\n") + "\n"
    }

    private static func render(_ block: EmailBlock, locale: EmailLocale) -> String? {
        switch block {
        case .paragraph(let text), .small(let text):
            return text
        case .button(let label, let url):
            guard let url = HTMLText.safeURL(url) else { return nil }
            return locale.labelled(label, url)
        case .link:
            // The button's line already shows the URL.
            return nil
        case .details(let rows):
            guard !rows.isEmpty else { return nil }
            return rows.map { row in
                let value = row.value.replacingOccurrences(of: "\n", with: "\n  ")
                return "- " + locale.labelled(row.label, value)
            }.joined(separator: "\n")
        case .secret(let label, let value):
            return locale.labelled(label, value)
        case .notice(let text, _):
            return "! \(text)"
        case .quote(let label, let text):
            let quoted = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
                .map { "> \($0)" }.joined(separator: "\n")
            return locale.labelled(label, "") + "\n" + quoted
        case .list(let label, let items):
            return locale.labelled(label, "") + "\n" + items.map { "- \($0)" }.joined(separator: "\n")
        }
    }
}
