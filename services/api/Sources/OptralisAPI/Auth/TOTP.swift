import Crypto
import Foundation
import OptralisCore

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP).
/// Optralis uses HMAC-SHA1, 30-second steps and 6 digits, and accepts one step either side.
struct TOTP: Sendable {
    enum Algorithm: Sendable { case sha1, sha256, sha512 }

    let secret: [UInt8]
    var digits = 6
    var period: TimeInterval = 30
    var algorithm: Algorithm = .sha1

    func code(at date: Date) -> String {
        code(counter: UInt64(floor(date.timeIntervalSince1970 / period)))
    }

    func code(counter: UInt64) -> String {
        let message = withUnsafeBytes(of: counter.bigEndian) { Data($0) }
        let key = SymmetricKey(data: secret)
        let mac: [UInt8] =
            switch algorithm {
            case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
            case .sha256: Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
            case .sha512: Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
            }
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: digits - value.count) + value
    }

    /// True when `code` is the code of the current step or of the one just before or after.
    func validate(_ code: String, at date: Date = Date(), window: Int = 1) -> Bool {
        matchingStep(code, at: date, window: window) != nil
    }

    /// The time step (counter) whose code `code` is, among the current step and `window` either
    /// side; nil when none. Callers record it so that a code works once.
    func matchingStep(_ code: String, at date: Date = Date(), window: Int = 1) -> UInt64? {
        let trimmed = code.trimmingCharacters(in: .whitespaces)
        guard trimmed.count == digits, trimmed.allSatisfy(\.isASCII), trimmed.allSatisfy(\.isNumber) else { return nil }
        let counter = Int64(floor(date.timeIntervalSince1970 / period))
        var matched: UInt64?
        for step in -Int64(window)...Int64(window) where counter + step >= 0 {
            // No early exit: every candidate is computed, whichever matches.
            if ConstantTime.equals(self.code(counter: UInt64(counter + step)), trimmed) { matched = UInt64(counter + step) }
        }
        return matched
    }

    /// The `otpauth://` URL authenticator apps scan.
    static func provisioningURL(secret: String, account: String, issuer: String = "Optralis") -> String {
        var components = URLComponents()
        components.scheme = "otpauth"
        components.host = "totp"
        components.path = "/\(issuer):\(account)"
        components.queryItems = [URLQueryItem(name: "secret", value: secret), URLQueryItem(name: "issuer", value: issuer)]
        return components.string ?? "otpauth://totp/\(issuer):\(account)?secret=\(secret)&issuer=\(issuer)"
    }
}
