/// The transactional email templates of the spec ("Email Templates": the nine files of
/// `templates/emails/`), plus `newPassword`: the email of a password an administrator reset
/// (`new_password` jobs), laid out like `welcome` with the temporary password in a box.
///
/// The raw value is the spec's file name without `.html`. Each template has its accent colour
/// (the spec's "Accents par template"): the line at the top of the header and the title's colour.
public enum EmailTemplate: String, CaseIterable, Sendable {
    case passwordReset = "password-reset"
    case welcome
    case contactConfirmation = "contact-confirmation"
    case contactNotification = "contact-notification"
    case machineAlert = "machine-alert"
    case passwordExpiration = "password-expiration"
    case licenseExpiration = "license-expiration"
    case licenseExtended = "license-extended"
    case certificateExpiration = "certificate-expiration"
    /// Not one of the spec's nine files: a password reset by an administrator (temporary password).
    case newPassword = "new-password"
    /// Not one of the spec's nine files: "Synthèse Quotidienne (Tous plans)", the daily summary.
    case dailySummary = "daily-summary"

    /// The Linear design system's accent colours (lowercase `#rrggbb`).
    public enum Accent {
        public static let orange = "#f97316"
        public static let amber = "#f59e0b"
        public static let green = "#22c55e"
        public static let red = "#ef4444"
    }

    /// The accent colour, from the spec's table: standard (orange), success (green), warning (amber),
    /// danger (red).
    public var accentColor: String {
        switch self {
        case .passwordReset, .welcome, .contactNotification, .newPassword, .dailySummary: Accent.orange
        case .contactConfirmation, .licenseExtended: Accent.green
        case .passwordExpiration, .licenseExpiration: Accent.amber
        case .machineAlert, .certificateExpiration: Accent.red
        }
    }

    /// The `type` of the `email:queue` job this template renders (see ``EmailRenderer/template(forJobType:)``).
    public var jobType: String {
        switch self {
        case .passwordReset: "password_reset"
        case .welcome: "welcome"
        case .contactConfirmation: "contact_confirmation"
        case .contactNotification: "contact_notification"
        case .machineAlert: "machine_alert"
        case .passwordExpiration: "password_expiration"
        case .licenseExpiration: "license_expiration"
        case .licenseExtended: "license_extended"
        case .certificateExpiration: "certificate_expiration"
        case .newPassword: "new_password"
        case .dailySummary: "daily_summary"
        }
    }

    /// The spec's file name, e.g. `password-reset.html`.
    public var fileName: String { "\(rawValue).html" }
}
