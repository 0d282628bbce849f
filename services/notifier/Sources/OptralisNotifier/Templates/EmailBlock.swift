import Foundation

/// One piece of an email's body. The templates describe their body as blocks; ``EmailHTMLLayout``
/// and ``EmailTextLayout`` render the same blocks, so the text and HTML versions say the same thing.
/// Every string is plain text: the HTML layout escapes it.
enum EmailBlock: Sendable, Equatable {
    /// A labelled value of a details box.
    struct Row: Sendable, Equatable {
        var label: String
        var value: String
        /// A hex colour for the value (a status), else the main text colour.
        var color: String? = nil
        /// Shown in a monospace font (IP address, machine name).
        var monospace = false
    }

    /// A paragraph in the secondary text colour.
    case paragraph(String)
    /// A call-to-action button (orange). Not shown when the URL is not http(s)/mailto.
    case button(label: String, url: String?)
    /// The raw link under a button, for mail clients that do not show buttons.
    case link(intro: String, url: String?)
    /// A box of labelled values (machine facts, a contact's details).
    case details([Row])
    /// A secret to copy, large and monospace (a temporary password).
    case secret(label: String, value: String)
    /// A highlighted remark with a coloured left border.
    case notice(String, color: String)
    /// User text kept as written, line breaks included (a contact message), under a label.
    case quote(label: String, text: String)
    /// A list of names (machines), under a label.
    case list(label: String, items: [String])
    /// A small remark in the tertiary text colour.
    case small(String)

    /// The row when the value is present (not nil, not blank): for the spec's optional fields.
    static func row(_ label: String, _ value: String?, color: String? = nil, monospace: Bool = false) -> Row? {
        guard let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return Row(label: label, value: value, color: color, monospace: monospace)
    }
}
