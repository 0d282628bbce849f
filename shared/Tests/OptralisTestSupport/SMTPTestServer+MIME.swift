import Foundation

extension SMTPTestServer.Received {
    /// The decoded bytes of the attachment `filename` (a base64 part with
    /// `Content-Disposition: attachment; filename="…"`).
    public func attachment(named filename: String) -> Data? {
        guard let header = data.range(of: "Content-Disposition: attachment; filename=\"\(filename)\"\r\n\r\n") else { return nil }
        return Self.base64Part(data[header.upperBound...])
    }

    /// The text/plain and text/html parts, decoded.
    public var textParts: String {
        data.components(separatedBy: "Content-Type: text/").dropFirst().compactMap { part in
            part.range(of: "\r\n\r\n").flatMap { Self.base64Part(part[$0.upperBound...]) }.map { String(decoding: $0, as: UTF8.self) }
        }.joined(separator: "\n")
    }

    /// The base64 lines up to the next boundary, decoded.
    static func base64Part(_ text: Substring) -> Data? {
        Data(base64Encoded: text.components(separatedBy: "\r\n--").first?.replacingOccurrences(of: "\r\n", with: "") ?? "")
    }
}
