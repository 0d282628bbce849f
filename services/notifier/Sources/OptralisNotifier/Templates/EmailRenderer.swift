import OptralisCore

/// Renders the transactional emails: subject, plain text and HTML, in French or English (French for
/// any other language), in the spec's Linear design and email compatibility rules (see
/// ``EmailHTMLLayout``). Every value inserted into the HTML is escaped; links go in `href` only when
/// they are http(s) or mailto URLs.
///
/// Variables per template (the job's `data`; missing or blank ones are left out of the email):
///
/// | Template | Variables |
/// |---|---|
/// | `password-reset` | `first_name`, `reset_url`, `expires_in_minutes` (default 60) |
/// | `welcome` | `first_name`, `login_url`, `client_name`, `temporary_password` (optional) |
/// | `new-password` | `first_name`, `login_url`, `temporary_password` |
/// | `contact-confirmation` | `name`, `email`, `company` (optional), `message` |
/// | `contact-notification` | `name`, `email`, `company` (optional), `message` |
/// | `machine-alert` | the `alert` argument (``AlertNotification``); without one: `machine_name`, `alert_type` or `status`, `alert_time`, `last_seen`, `os`, `ip`, `agent_version`, `agent_channel`, `client_name`, `message`, `dashboard_url` |
/// | `password-expiration` | `first_name`, `days_left`, `change_url` (default: base URL) |
/// | `license-expiration` | `client_name`, `days_left`, `expires_at` (ISO 8601 or display text) |
/// | `license-extended` | `client_name`, `expires_at` |
/// | `certificate-expiration` | `client_name`, `machines` (comma-separated), `count` (default: the names' count) |
/// | `daily-summary` | `client_name`, `date` (the client's local date), `summary` (``DailySummary`` as JSON), `dashboard_url` |
///
/// Machine-alert rows: machine, status (words per alert type), detection time, then value (metric
/// alerts), last seen, OS, IP, agent version + channel and details, each only when present; the
/// button opens `dashboardURL` (default: the base URL). Dates are shown in UTC.
public enum EmailRenderer {
    public static func render(
        _ template: EmailTemplate, language: String, variables: [String: String], alert: AlertNotification? = nil,
        common: CommonEmailVariables
    ) -> RenderedEmail {
        let locale = EmailLocale(language)
        let input = TemplateInput(variables: variables, alert: alert, locale: locale, common: common)
        let content = EmailContent.make(template, input)
        return RenderedEmail(
            subject: content.subject,
            text: EmailTextLayout.render(content, locale: locale, common: common),
            html: EmailHTMLLayout.render(content, accent: template.accentColor, locale: locale, common: common))
    }

    /// The template of an `email:queue` job type: `welcome`, `password_reset`, `new_password`,
    /// `password_expiration`, `license_expiration`, `license_extended`, `certificate_expiration`,
    /// `contact_confirmation`, `contact_notification`, `machine_alert`, `daily_summary`. Nil for any other type,
    /// including `routine_notification`, `report_notification` and `security_notice`, whose `data` carries its own
    /// `subject`, `textBody` and `htmlBody`.
    public static func template(forJobType type: String) -> EmailTemplate? {
        EmailTemplate.allCases.first { $0.jobType == type }
    }
}
