import CQRencode
import Foundation

/// A QR code (ISO/IEC 18004) made by libqrencode, the one place that touches its pointers: the
/// dashboard's MFA set-up shows the `otpauth://` address as one, drawn as inline SVG.
public struct QRCode: Sendable, Equatable {
    /// `modules[y][x]` is true for a dark module; square, without the quiet zone.
    public let modules: [[Bool]]

    public struct EncodingError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Byte mode, error correction level M (15 %), the smallest version that holds `text`.
    public init(_ text: String) throws {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else {
            throw EncodingError(description: "libqrencode could not encode \(text.utf8.count) bytes")
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        var modules: [[Bool]] = []
        modules.reserveCapacity(width)
        for y in 0..<width {
            modules.append((0..<width).map { x in code.pointee.data[y * width + x] & 1 == 1 })
        }
        self.modules = modules
    }

    /// The code as SVG: one path of unit squares in a viewBox with a 4-module quiet zone, so it
    /// scales to any size without blurring.
    public func svg(label: String) -> String {
        let size = modules.count + 8
        var path = ""
        for (y, row) in modules.enumerated() {
            for (x, dark) in row.enumerated() where dark { path += "M\(x + 4) \(y + 4)h1v1h-1z" }
        }
        let escaped = label.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: "\"", with: "&quot;")
        return
            "<svg class=\"qr\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(size) \(size)\" role=\"img\" aria-label=\"\(escaped)\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"\(size)\" height=\"\(size)\" fill=\"#fff\"/><path d=\"\(path)\" fill=\"#000\"/></svg>"
    }
}
