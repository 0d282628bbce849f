import Mustache

/// What an empty string becomes in a page's values (``PageRenderer``): Mustache renders a section
/// for any string, so `{{#error}}<p class="alert">{{error}}</p>{{/error}}` showed an empty red
/// box for `"error": ""`, and `{{#error}}aria-invalid="true"{{/error}}` marked valid fields
/// invalid. A blank is falsy in sections (and truthy in inverted ones) and renders as nothing;
/// the key stays, so a lookup never falls through to an outer context's value of the same name.
struct Blank: MustacheCustomRenderable {
    var renderText: String { "" }
    var isNull: Bool { true }

    /// `values` with every empty string, at any depth, replaced by a blank.
    static func replacingEmptyStrings(_ values: [String: Any]) -> [String: Any] {
        values.mapValues(replacing)
    }

    private static func replacing(_ value: Any) -> Any {
        switch value {
        case let text as String: text.isEmpty ? Blank() : text
        case let object as [String: Any]: replacingEmptyStrings(object)
        case let list as [Any]: list.map(replacing)
        default: value
        }
    }
}
