import Crypto
import Foundation
import OptralisCore

/// Random tokens and their stored forms. Tokens are 256-bit random values in base64url; only
/// their SHA-256 is stored. Short codes (MFA backup codes) are stored as an HMAC keyed with a
/// server secret, so a copy of the database alone cannot brute-force them.
enum SecureToken {
    static func random(bytes: Int = 32) -> String {
        base64URL(Data(randomBytes(bytes)))
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        SymmetricKey(size: .init(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }

    static func sha256Hex(_ value: String) -> String {
        SHA256.hash(data: Data(value.utf8)).hexString
    }

    static func hmacHex(_ value: String, key: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: SymmetricKey(data: Data(key.utf8))).hexString
    }

    /// An 8-digit code drawn uniformly (MFA backup codes).
    static func digits(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
