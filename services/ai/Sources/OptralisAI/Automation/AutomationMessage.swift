import Foundation

/// What a routine or a trigger tells its notification channels. Email channels get `subject`
/// and `text` as a `routine_notification`; webhook channels get an `ai_analysis` message with
/// the same words plus the machine (a trigger's), the severity and a link to the dashboard.
struct AutomationMessage: Sendable, Equatable {
    var subject: String
    var text: String
    /// `fr` or `en`.
    var language: String
    var machineID: UUID? = nil
    var hostname: String? = nil
    /// `critical`, `warning` or `info`; nil for a routine.
    var severity: String? = nil

    /// The subject without the email's `[Optralis] ` tag: a chat card already carries the brand.
    var headline: String {
        let tag = "[Optralis] "
        return subject.hasPrefix(tag) ? String(subject.dropFirst(tag.count)) : subject
    }

    /// The machine's page when the message is about one, else the dashboard.
    func link(publicURL: String) -> String {
        let base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        guard let machineID else { return base + "/" }
        return "\(base)/machines/\(machineID.uuidString.lowercased())"
    }
}
