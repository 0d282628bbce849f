import Foundation
import OptralisCore

/// Everything a template reads: the job's `data` variables, the alert (machine-alert), the language
/// and the common variables. Missing or blank variables read as nil: templates leave them out.
struct TemplateInput: Sendable {
    let variables: [String: String]
    let alert: AlertNotification?
    let locale: EmailLocale
    let common: CommonEmailVariables

    /// The variable, trimmed; nil when missing or blank.
    func value(_ key: String) -> String? {
        guard let value = variables[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// The variable as a whole number ("5", " 5 "), nil when it is not one.
    func integer(_ key: String) -> Int? { value(key).flatMap { Int($0) } }

    /// "Bonjour Jean," / "Hello Jean,", or "Bonjour," / "Hello," without a name.
    func greeting(_ key: String = "first_name") -> EmailBlock {
        guard let name = value(key) else { return .paragraph(locale.t("Bonjour,", "Hello,")) }
        return .paragraph(locale.t("Bonjour \(name),", "Hello \(name),"))
    }

    /// The site's base URL with `path` appended (`/login`).
    func site(_ path: String = "") -> String { common.base + path }

    /// The button to a URL and the raw link under it, for clients that hide buttons.
    func button(_ label: String, _ url: String?) -> [EmailBlock] {
        [
            .button(label: label, url: url),
            .link(
                intro: locale.t(
                    "Si le bouton ne fonctionne pas, copiez ce lien dans votre navigateur :", "If the button does not work, copy this link into your browser:"),
                url: url),
        ]
    }
}
