import Mustache
import Testing

@testable import OptralisWeb

/// An empty string in a page's values is no reason to render a section: no empty alert box, no
/// valid field marked invalid, and no value borrowed from an outer context either.
@Suite("Empty strings in the pages' values")
struct BlankTests {
    func template() throws -> MustacheTemplate {
        try MustacheTemplate(
            string: "{{#error}}<p class=\"alert\">{{error}}</p>{{/error}}{{^error}}ok{{/error}}[{{error}}]{{#rows}}({{#note}}!{{/note}}{{note}}){{/rows}}")
    }

    @Test func an_empty_string_is_falsy_and_renders_nothing_at_any_depth() throws {
        let template = try template()
        let values: [String: Any] = ["error": "", "rows": [["note": ""], ["note": "late"]] as [[String: Any]]]
        #expect(template.render(values) == "<p class=\"alert\"></p>[](!)(!late)", "Mustache on its own: the trap")
        #expect(template.render(Blank.replacingEmptyStrings(values)) == "ok[]()(!late)")
    }

    @Test func a_blank_in_a_row_does_not_fall_through_to_the_page_value_of_the_same_name() throws {
        let template = try template()
        let values: [String: Any] = ["error": "page", "note": "page note", "rows": [["note": ""]] as [[String: Any]]]
        #expect(template.render(Blank.replacingEmptyStrings(values)) == "<p class=\"alert\">page</p>[page]()")
    }
}
