import Foundation

/// The api's refusal of a form, put next to the field it is about and said in the user's
/// language. The api's messages are English and start with the field's name
/// (`cooldown_minutes must be between 5 and 10080`, `config.webhook_url is required`): that name
/// (its last part), when the form has such a field, places the message; the rest is translated
/// from a few shapes the api uses. A message of another shape is shown as the api wrote it, above the form.
enum FieldErrors {
    /// `errors` (the message of each field, for `{{#errors.<field>}}` in templates) and `error`
    /// (one that names no field of the form). `codes` places refusals whose message names no
    /// field (`EMAIL_EXISTS` on `email`), said by the dashboard's text `code_<CODE>`.
    static func values(
        _ reply: APIClient.Reply, fields: Set<String>, codes: [String: String] = [:], language: String, renderer: PageRenderer
    ) -> [String: Any] {
        if let code = reply.code, let field = codes[code] {
            return ["errors": [field: renderer.text("code_\(code)", language)], "has_errors": true]
        }
        guard let message = reply.error, !message.isEmpty else { return ["error": renderer.text("api_unavailable", language)] }
        let head = message.prefix { $0 != " " && $0 != ":" }
        // `config.webhook_url`, `admin.email`: the form's field is the last part.
        let field = head.split(separator: ".").last.map(String.init) ?? String(head)
        guard fields.contains(field) else {
            // "a valid email is required": a field named inside the sentence.
            let words = Set(message.split(whereSeparator: { !$0.isLetter && $0 != "_" }).map(String.init))
            if let named = fields.sorted().first(where: words.contains) {
                return ["errors": [named: translated(message, language: language, renderer: renderer)], "has_errors": true]
            }
            return ["error": translated(message, language: language, renderer: renderer)]
        }
        let rest = String(message.dropFirst(head.count)).trimmingCharacters(in: CharacterSet(charactersIn: " :"))
        return ["errors": [field: translated(rest, language: language, renderer: renderer)], "has_errors": true]
    }

    /// The French of the api's usual shapes; English as it came.
    static func translated(_ text: String, language: String, renderer: PageRenderer) -> String {
        guard language == "fr" else { return text }
        for (pattern, key) in shapes {
            // Compiled here: only a refused form comes this way, and a Regex is not Sendable.
            if let regex = try? Regex(pattern), let match = text.wholeMatch(of: regex) {
                return renderer.text(key, language)
                    .replacingOccurrences(of: "{a}", with: match.output.count > 1 ? String(match.output[1].substring ?? "") : "")
                    .replacingOccurrences(of: "{b}", with: match.output.count > 2 ? String(match.output[2].substring ?? "") : "")
            }
        }
        return renderer.text("refused_by_server", language) + " " + text
    }

    private static let shapes: [(String, String)] = [
        (#"(?:interval )?must be between (\S+) and (\S+) seconds"#, "err_between_seconds"),
        (#"must be between (\S+)(?: \(unlimited\))? and (\S+)"#, "err_between"),
        (#"must be from (\S+) to (\S+)"#, "err_between"),
        (#"must be a number from (\S+) to (\S+)"#, "err_between"),
        (#"must be (\S+) or (\S+) \(got .*\)"#, "err_either"),
        (#"must hold at most (\d+) email addresses"#, "err_at_most_addresses"),
        (#"does not apply to (\S+) \((.*)\)"#, "err_not_applicable"),
        (#"needs at least one of (.+)"#, "err_needs_one_of"),
        (#"invalid cron expression "(.*)": expected 5 fields .*, got (\d+)"#, "err_cron_fields"),
        (#"invalid cron expression "(.*)": (.+)"#, "err_cron"),
        (#"must be 1 to (\d+) characters"#, "err_length"),
        (#"is required \(1 to (\d+) characters\)"#, "err_length"),
        (#"must be at most (\d+) characters"#, "err_at_most"),
        (#"must be a number"#, "err_number"),
        (#"must be an integer"#, "err_integer"),
        (#"must be a UUID"#, "err_choose"),
        (#"must be an ISO 8601 date-time"#, "err_date"),
        (#"is out of range"#, "err_out_of_range"),
        (#"must look like (\S+).*"#, "err_look_like"),
        (#"unknown \S+ (.+)"#, "err_unknown"),
        (#"is required.*"#, "err_required"),
        (#"(?:must be a valid (?:email|address)|is not a valid email address|a valid email is required)"#, "err_email"),
        (#"(\S+) is not a valid email address"#, "err_email_named"),
        (#"must be an IANA time zone such as (\S+)"#, "err_timezone"),
        (#"must hold 1 to (\d+) addresses"#, "err_addresses"),
        (#"must be one of (.+)"#, "err_one_of"),
        (#"must be (\S+) or (\S+)"#, "err_either"),
        (#"must be #RRGGBB"#, "err_color"),
        (#"must be in the future"#, "err_future"),
        (#"refused: (.+)"#, "err_refused"),
    ]
}
