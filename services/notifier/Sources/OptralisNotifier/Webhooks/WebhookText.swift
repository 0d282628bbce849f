/// Text helpers shared by the webhook builders: cleaning, escaping and cutting free text so that a body
/// stays within a platform's limits.
public enum WebhookText {
    /// The mark appended to a cut text.
    public static let ellipsis = "…"

    /// How a limit counts a text. Platforms say "characters" without saying which: `.utf16` (a JavaScript
    /// `length`) is never smaller than the number of code points or of graphemes, so it is the safe reading.
    public enum Measure: Sendable {
        case graphemes
        case unicodeScalars
        case utf16
        case utf8

        public func length(of text: String) -> Int {
            switch self {
            case .graphemes: text.count
            case .unicodeScalars: text.unicodeScalars.count
            case .utf16: text.utf16.count
            case .utf8: text.utf8.count
            }
        }

        func length(of character: Character) -> Int {
            switch self {
            case .graphemes: 1
            case .unicodeScalars: character.unicodeScalars.count
            case .utf16: character.utf16.count
            case .utf8: character.utf8.count
            }
        }
    }

    /// `text` unchanged when it fits in `maxLength`; otherwise its longest prefix of whole characters (grapheme
    /// clusters: an emoji, a flag or an accented letter is never split) followed by "…", the whole within
    /// `maxLength`. Trailing white space before the "…" is dropped. Empty when not even "…" fits.
    public static func truncate(_ text: String, maxLength: Int, measure: Measure = .utf16) -> String {
        guard maxLength > 0 else { return "" }
        if measure.length(of: text) <= maxLength { return text }
        let budget = maxLength - measure.length(of: ellipsis)
        guard budget >= 0 else { return "" }
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let size = measure.length(of: text[index])
            if used + size > budget { break }
            used += size
            end = text.index(after: index)
        }
        var prefix = text[..<end]
        while let last = prefix.last, last.isWhitespace { prefix.removeLast() }
        return String(prefix) + ellipsis
    }

    /// Cuts the plain `text` first, then applies `markup` (an escaping that may lengthen it), so that the
    /// marked-up result is within `maxLength` and no escape sequence or markup is cut in half.
    public static func truncate(
        _ text: String, maxLength: Int, measure: Measure = .utf16, applying markup: (String) -> String
    ) -> String {
        markup(longestCut(of: text, upTo: maxLength, measure: measure) { measure.length(of: markup($0)) <= maxLength })
    }

    /// The longest `truncate` of `text` (at most `upTo` long, by `measure`) that `fits` accepts: `text` itself
    /// when it fits, else found by bisection (`fits` must hold for shorter cuts when it holds for longer
    /// ones). Empty when no cut fits.
    static func longestCut(of text: String, upTo limit: Int, measure: Measure, where fits: (String) -> Bool) -> String {
        if measure.length(of: text) <= limit, fits(text) { return text }
        var low = 0
        var high = min(limit, measure.length(of: text))
        var best = ""
        while low < high {
            let middle = (low + high + 1) / 2
            let cut = truncate(text, maxLength: middle, measure: measure)
            if fits(cut) {
                low = middle
                best = cut
            } else {
                high = middle - 1
            }
        }
        return best
    }

    /// Removes control characters (C0, C1, DEL) and bidirectional overrides and isolates (which can make a
    /// text read differently from what it says); tabs become spaces, CR is dropped, line and paragraph
    /// separators become line feeds. With `multiline` false, line feeds become spaces. Trims both ends.
    public static func sanitize(_ text: String, multiline: Bool = false) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x2028, 0x2029:
                scalars.append(multiline ? "\n" : " ")
            case 0x09:
                scalars.append(" ")
            case 0x202A...0x202E, 0x2066...0x2069:
                continue
            default:
                if scalar.properties.generalCategory == .control { continue }
                scalars.append(scalar)
            }
        }
        return String(scalars).webhookTrimmed()
    }

    /// Slack `mrkdwn` escaping: `&`, `<` and `>` (the characters Slack reserves for links and mentions).
    public static func slackEscaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }
}

extension String {
    func webhookTrimmed() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else {
            return ""
        }
        return String(self[first...last])
    }
}
