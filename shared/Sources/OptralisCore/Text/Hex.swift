#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits per byte (digests, certificate serials). Much cheaper
    /// than `String(format: "%02x")` per byte, which goes through Foundation's formatter.
    public var hexString: String {
        let digits: StaticString = "0123456789abcdef"
        var text = [UInt8]()
        text.reserveCapacity(underestimatedCount * 2)
        digits.withUTF8Buffer { digits in
            for byte in self {
                text.append(digits[Int(byte >> 4)])
                text.append(digits[Int(byte & 0x0f)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}

extension UUID {
    /// `uuidString.lowercased()` without Foundation's formatting (a hot path of the agents' posts).
    public var lowercasedString: String {
        let hex = withUnsafeBytes(of: uuid) { Array($0).hexString }
        let utf8 = Array(hex.utf8)
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (index, byte) in utf8.enumerated() {
            if index == 8 || index == 12 || index == 16 || index == 20 { text.append(UInt8(ascii: "-")) }
            text.append(byte)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
