/// HTML escaping for the templates: every value that reaches the HTML goes through here, so user
/// text (names, messages, machine names) can never add markup or leave an attribute.
public enum HTMLText {
    /// Escapes `& < > " '`, the five characters that matter in text and in quoted attributes.
    public static func escape(_ value: String) -> String {
        // Most text has none of them (a chart escapes hundreds of labels): no copy then.
        guard value.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return value }
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Escaped text whose line breaks become `<br>` (a contact message keeps its paragraphs).
    public static func multiline(_ value: String) -> String {
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        value.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { escape(String($0)) }.joined(separator: "<br>")
    }

    /// The link when it may go in an `href`: an `http`, `https` or `mailto` URL without white space or
    /// control characters (so never `javascript:`). Nil otherwise; the caller escapes the result.
    public static func safeURL(_ value: String?) -> String? {
        guard let url = value?.trimmed(), !url.isEmpty else { return nil }
        guard !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else {
            return nil
        }
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") else { return nil }
        return url
    }

    /// A `mailto:` link for an address that looks like one (letters, digits, `._%+-`, one `@`); nil
    /// otherwise, so the visitor's text cannot add headers or a body to the admin's reply.
    public static func mailto(_ address: String?) -> String? {
        guard let address = address?.trimmed() else { return nil }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains(".") else { return nil }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
        guard parts.allSatisfy({ $0.allSatisfy(allowed.contains) }) else { return nil }
        return "mailto:\(address)"
    }
}
