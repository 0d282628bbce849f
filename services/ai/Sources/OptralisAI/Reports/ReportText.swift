import Foundation

/// The report's words and number formats in French or English (French by default).
struct ReportText: Sendable {
    let french: Bool

    init(language: String) {
        french = language != "en"
    }

    func t(_ fr: String, _ en: String) -> String { french ? fr : en }

    func title(_ kind: ReportDocument.Kind, client: String) -> String {
        switch kind {
        case .daily: t("Rapport quotidien", "Daily report") + " — " + client
        case .weekly: t("Rapport hebdomadaire", "Weekly report") + " — " + client
        case .monthly: t("Rapport mensuel", "Monthly report") + " — " + client
        }
    }

    /// `12,5` in French, `12.5` in English; at most one decimal.
    func number(_ value: Double, decimals: Int = 1) -> String {
        let text = String(format: "%.\(decimals)f", value)
        let trimmed = decimals > 0 && text.hasSuffix(String(repeating: "0", count: decimals)) ? String(text.dropLast(decimals + 1)) : text
        return french ? trimmed.replacingOccurrences(of: ".", with: ",") : trimmed
    }

    /// `22/11/2026` or `2026-11-22` (UTC), with the time when asked.
    func date(_ date: Date, time: Bool = false) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = (french ? "dd/MM/yyyy" : "yyyy-MM-dd") + (time ? " HH:mm 'UTC'" : "")
        return formatter.string(from: date)
    }

    /// `22/11` or `11-22`: axis labels.
    func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = french ? "dd/MM" : "MM-dd"
        return formatter.string(from: date)
    }

    func severity(_ severity: ReportDocument.Issue.Severity) -> String {
        switch severity {
        case .critical: t("Critique", "Critical")
        case .warning: t("Attention", "Warning")
        case .info: t("Info", "Info")
        }
    }
}
