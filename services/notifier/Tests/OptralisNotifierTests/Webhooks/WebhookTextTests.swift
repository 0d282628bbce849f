import Foundation
@testable import OptralisNotifier
import Testing

@Suite("Webhook text helpers")
struct WebhookTextTests {
    @Test func short_texts_are_unchanged() {
        #expect(WebhookText.truncate("abc", maxLength: 3) == "abc")
        #expect(WebhookText.truncate("", maxLength: 3) == "")
        #expect(WebhookText.truncate("abc", maxLength: 0) == "")
    }

    @Test func cuts_on_grapheme_boundaries_and_appends_an_ellipsis() {
        #expect(WebhookText.truncate("abcdef", maxLength: 4) == "abc…")
        #expect(WebhookText.truncate("ab   cdef", maxLength: 5) == "ab…")
        // A family emoji is 11 UTF-16 units: it is kept whole or dropped.
        let family = "👨‍👩‍👧‍👦"
        #expect(WebhookText.truncate("a\(family)bc", maxLength: 12) == "a…")
        #expect(WebhookText.truncate("a\(family)bc", maxLength: 13) == "a\(family)…")
        // A flag is two regional indicators; "e" + combining acute is one character.
        #expect(WebhookText.truncate("🇫🇷🇫🇷", maxLength: 6) == "🇫🇷…")
        #expect(WebhookText.truncate("e\u{301}e\u{301}e\u{301}", maxLength: 5) == "e\u{301}e\u{301}…")
        #expect(WebhookText.truncate("ééé", maxLength: 5, measure: .utf8) == "é…")
        #expect(WebhookText.truncate("abc", maxLength: 2, measure: .utf8) == "")
        #expect(WebhookText.truncate("abcdef", maxLength: 4, measure: .graphemes) == "abc…")
    }

    @Test func every_cut_is_valid_and_within_the_limit() {
        let text = WebhookFixtures.hugeMessage
        for limit in [1, 2, 7, 63, 64, 65, 1_000, 4_095] {
            for measure in [WebhookText.Measure.utf16, .utf8, .unicodeScalars, .graphemes] {
                let cut = WebhookText.truncate(text, maxLength: limit, measure: measure)
                #expect(measure.length(of: cut) <= limit)
                #expect(cut.isEmpty || cut.hasSuffix("…"))
                #expect(String(validating: Array(cut.utf8), as: UTF8.self) == cut)
                #expect(text.hasPrefix(cut.dropLast()))
            }
        }
    }

    @Test func escaping_is_applied_after_the_cut_and_never_split() {
        let text = String(repeating: "a&", count: 100)
        for limit in 1...40 {
            let cut = WebhookText.truncate(text, maxLength: limit, applying: WebhookText.slackEscaped)
            #expect(cut.utf16.count <= limit)
            #expect(cut.components(separatedBy: "&").dropFirst().allSatisfy { $0.hasPrefix("amp;") })
        }
        #expect(WebhookText.slackEscaped("a & <b> c") == "a &amp; &lt;b&gt; c")
    }

    @Test func sanitize_strips_controls_and_keeps_emoji() {
        #expect(WebhookText.sanitize("  a\u{0}b\u{1B}c\u{7F}d\u{9F}e\tf\r\ng ") == "abcde f g")
        #expect(WebhookText.sanitize("a\r\nb\u{2028}c", multiline: true) == "a\nb\nc")
        #expect(WebhookText.sanitize("x\u{202E}y\u{2066}z") == "xyz")
        #expect(WebhookText.sanitize("👨‍👩‍👧 🇫🇷 é") == "👨‍👩‍👧 🇫🇷 é") // ZWJ (a format character) kept
    }

    @Test func french_dates_are_paris_time_and_english_dates_utc() {
        #expect(WebhookDates.french(WebhookFixtures.januaryAfternoon) == "08/01/2026 à 14:30")
        #expect(WebhookDates.english(WebhookFixtures.januaryAfternoon) == "2026-01-08 13:30 UTC")
        #expect(WebhookDates.french(WebhookFixtures.julyMorning) == "14/07/2026 à 11:05")
        #expect(WebhookDates.iso8601(WebhookFixtures.julyMorning) == "2026-07-14T09:05:00Z")
        #expect(WebhookDates.iso8601(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
        #expect(WebhookDates.iso8601(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
    }

    @Test func paris_offset_matches_the_time_zone_database() throws {
        guard let paris = TimeZone(identifier: "Europe/Paris") else { return }
        // Every 3 hours through 2024-2027, and around each change (last Sunday of March/October, 01:00 UTC).
        var seconds: Int64 = 1_704_067_200
        while seconds < 1_830_297_600 {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(WebhookDates.parisOffsetSeconds(atEpochSeconds: seconds) == Int64(paris.secondsFromGMT(for: date)), "\(date)")
            seconds += 3 * 3_600
        }
        let change = Int64(1_774_746_000) // 2026-03-29 01:00:00 UTC
        #expect(WebhookDates.parisOffsetSeconds(atEpochSeconds: change - 1) == 3_600)
        #expect(WebhookDates.parisOffsetSeconds(atEpochSeconds: change) == 7_200)
    }

    @Test func relative_last_seen_in_both_languages() {
        let now = WebhookFixtures.januaryAfternoon
        let cases: [(TimeInterval, String, String)] = [
            (-30, "À l'instant", "Just now"), (59, "À l'instant", "Just now"), (60, "Il y a 1 minute", "1 minute ago"),
            (5 * 60 + 59, "Il y a 5 minutes", "5 minutes ago"), (3_600, "Il y a 1 heure", "1 hour ago"),
            (23 * 3_600 + 3_599, "Il y a 23 heures", "23 hours ago"), (86_400, "Il y a 1 jour", "1 day ago"),
            (40 * 86_400, "Il y a 40 jours", "40 days ago"),
        ]
        for (elapsed, french, english) in cases {
            #expect(WebhookDates.relative(now.addingTimeInterval(-elapsed), now: now, french: true) == french)
            #expect(WebhookDates.relative(now.addingTimeInterval(-elapsed), now: now, french: false) == english)
        }
    }

    @Test func numbers_have_at_most_one_decimal() {
        #expect(WebhookAlertContent.number(93.46) == "93.5")
        #expect(WebhookAlertContent.number(85) == "85")
        #expect(WebhookAlertContent.number(85.04) == "85")
        #expect(WebhookAlertContent.number(-0.06) == "-0.1")
        #expect(WebhookAlertContent.number(-3.5) == "-3.5")
        #expect(WebhookAlertContent.metric(value: 93.46, threshold: 85, french: true) == "93.5 % (seuil 85 %)")
        #expect(WebhookAlertContent.metric(value: 93.46, threshold: 85, french: false) == "93.5% (threshold 85%)")
        #expect(WebhookAlertContent.metric(value: .nan, threshold: 85, french: false) == nil)
        #expect(WebhookAlertContent.metric(value: 91, threshold: 85, french: true, unit: " °C") == "91 °C (seuil 85 °C)")
    }
}
