import Foundation

/// The Messages API's bodies the tests answer with, from `Fixtures/`.
enum ClaudeFixtures {
    static func text(_ name: String) -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name).json")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { fatalError("missing fixture \(url.path)") }
        return text
    }
}
