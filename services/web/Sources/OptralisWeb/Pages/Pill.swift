import Foundation

/// A status pill: an icon, a word and a colour class, so colour is never the only signal.
enum Pill {
    static let icons = ["online": "●", "resolved": "✓", "offline": "○", "warning": "▲", "critical": "■", "maintenance": "◆", "info": "ℹ"]

    static func make(_ status: String, language: String, renderer: PageRenderer) -> [String: String] {
        let known = icons[status] != nil ? status : "info"
        return ["class": known, "icon": icons[known] ?? "", "label": renderer.text("status_\(known)", language)]
    }
}
