import Foundation

/// Numbers as the reports print them: one decimal, a comma and a space before `%` in French
/// (`99,5 %`), a point in English (`99.5%`).
public struct ReportFormat: Sendable {
    public let language: String

    public init(language: String) {
        self.language = language
    }

    var french: Bool { language != "en" }

    public func number(_ value: Double) -> String {
        let text = String(format: "%.1f", (value * 10).rounded() / 10)
        return french ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    public func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return french ? "\(number(value)) %" : "\(number(value))%"
    }

    /// A signed difference in points: `+3,2 pts`.
    public func points(_ value: Double?) -> String {
        guard let value else { return "—" }
        return (value >= 0 ? "+" : "-") + number(abs(value)) + " pts"
    }

    /// `2026-12-01` (UTC).
    public func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
