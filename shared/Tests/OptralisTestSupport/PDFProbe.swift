import Foundation

/// Reads a PDF back with poppler's tools (Debian `poppler-utils`): `pdftotext` for its text,
/// `pdfinfo` for its information dictionary and page count.
public enum PDFProbe {
    public static func text(_ bytes: [UInt8]) async throws -> String {
        try await run("pdftotext", bytes) { ["-layout", $0, "-"] }
    }

    /// `pdfinfo`'s `Key: value` lines (`Pages`, `Title`, `Producer`…).
    public static func info(_ bytes: [UInt8]) async throws -> [String: String] {
        let output = try await run("pdfinfo", bytes) { [$0] }
        var info: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            info[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return info
    }

    private static func run(_ tool: String, _ bytes: [UInt8], _ arguments: (String) -> [String]) async throws -> String {
        guard let path = which(tool) else { throw TestEnvironmentError(message: "\(tool) is missing (Debian poppler-utils)") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("optralis-\(UUID().uuidString).pdf")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await ChildProcess.run(path, arguments(file.path))
        guard result.status == 0 else { throw TestEnvironmentError(message: "\(tool) failed (\(result.status)): \(result.output)") }
        return result.output
    }
}
