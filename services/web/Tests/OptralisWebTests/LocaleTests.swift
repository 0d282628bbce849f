import Foundation
import OptralisCore
import Testing

@Suite("Dashboard texts: every template text exists in French and English")
struct LocaleTests {
    static var resources: String { ProjectFiles.locate("services/web/Resources", override: nil, containerPath: "/app/web") ?? "" }

    func keys(_ language: String) throws -> Set<String> {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.resources + "/locales/\(language).json"))
        return Set(try JSONDecoder().decode([String: String].self, from: data).keys)
    }

    @Test func both_languages_have_the_same_keys() throws {
        let french = try keys("fr"), english = try keys("en")
        #expect(french == english, "only in fr: \(french.subtracting(english).sorted()); only in en: \(english.subtracting(french).sorted())")
    }

    @Test func every_text_a_template_uses_is_translated() throws {
        let known = try keys("fr")
        let directory = Self.resources + "/templates"
        var missing: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) where file.hasSuffix(".mustache") {
            let text = try String(contentsOfFile: directory + "/" + file, encoding: .utf8)
            for match in text.matches(of: /\{\{t\.([a-z0-9_]+)\}\}/) where !known.contains(String(match.1)) {
                missing.append("\(file): \(match.1)")
            }
        }
        #expect(missing.isEmpty, "\(missing)")
    }
}
