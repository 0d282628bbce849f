import Foundation
import OptralisCore

/// Dates as the user's language writes them (UTC for now; the user's timezone comes with the
/// settings page).
enum Display {
    /// Built once per language: a format style is a value, safe to share, unlike a DateFormatter
    /// (one per row of a 100-row list was most of its rendering time).
    private static let styles: [String: Date.FormatStyle] = Dictionary(
        uniqueKeysWithValues: PageRenderer.languages.map { language in
            var style = Date.FormatStyle(date: .numeric, time: .shortened, locale: Locale(identifier: language == "en" ? "en_GB" : "fr_FR"))
            style.timeZone = TimeZone(identifier: "UTC")!
            return (language, style)
        })

    static func dateTime(_ iso: String?, language: String) -> String {
        guard let iso, let date = UTCTimestamp.parse(iso), let style = styles[language] ?? styles["fr"] else { return "—" }
        return date.formatted(style) + " UTC"
    }
}
