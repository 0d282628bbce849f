import Foundation
import OptralisCore

/// The language of one email: French unless the language is English (the spec's `fr`/`en`, French
/// being the fallback for anything else), with the wording and date helpers the templates share.
struct EmailLocale: Sendable {
    let french: Bool

    init(_ language: String) {
        french = !language.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("en")
    }

    var code: String { french ? "fr" : "en" }

    /// The French or the English text.
    func t(_ fr: String, _ en: String) -> String { french ? fr : en }

    /// "Machine : srv-01" (French puts a space before the colon) or "Machine: srv-01"; no trailing space
    /// without a value.
    func labelled(_ label: String, _ value: String) -> String {
        let colon = french ? " :" : ":"
        return value.isEmpty ? label + colon : "\(label)\(colon) \(value)"
    }

    /// A quoted name: « ACME » or “ACME”.
    func quoted(_ name: String) -> String { french ? "« \(name) »" : "“\(name)”" }

    /// "1 jour", "5 jours", "1 day", "5 days".
    func days(_ count: Int) -> String {
        let plural = abs(count) > 1
        return french ? "\(count) jour\(plural ? "s" : "")" : "\(count) day\(plural ? "s" : "")"
    }

    /// "22/11/2025 à 03:48 UTC" or "2025-11-22 03:48 UTC".
    func dateTime(_ date: Date) -> String {
        format(date, french ? "dd/MM/yyyy 'à' HH:mm 'UTC'" : "yyyy-MM-dd HH:mm 'UTC'")
    }

    /// An ISO 8601 date or timestamp as "22/11/2025" or "November 22, 2025"; any other text as given.
    func day(_ value: String) -> String {
        guard let date = Self.parseISO(value) else { return value }
        return format(date, french ? "dd/MM/yyyy" : "MMMM d, yyyy")
    }

    /// A percentage: "95 %" / "95%", one decimal at most ("87,5 %" / "87.5%").
    func degrees(_ value: Double) -> String {
        var number = Figure.oneDecimal(value) ?? String(value)
        if french { number = number.replacingOccurrences(of: ".", with: ",") }
        return "\(number) °C"
    }

    func percent(_ value: Double) -> String {
        var number = Figure.oneDecimal(value) ?? String(value)
        if french { number = number.replacingOccurrences(of: ".", with: ",") }
        return french ? "\(number) %" : "\(number)%"
    }

    private func format(_ date: Date, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: date)
    }

    static func parseISO(_ value: String) -> Date? {
        let text = value.trimmingCharacters(in: .whitespaces)
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return date }
        full.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = full.date(from: text) { return date }
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "yyyy-MM-dd"
        return text.count == 10 ? day.date(from: text) : nil
    }
}
