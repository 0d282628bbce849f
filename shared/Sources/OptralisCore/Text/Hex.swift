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
