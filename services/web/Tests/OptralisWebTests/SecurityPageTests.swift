import Crypto
import Foundation
import OptralisTestSupport
import Testing

@Suite("Dashboard: two-step verification set-up")
struct SecurityPageTests {
    /// RFC 6238 (SHA-1, 30 s, 6 digits) from a base32 secret: what an authenticator app computes.
    static func totp(_ secret: String, at date: Date = Date()) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bits = 0, value = 0
        var key: [UInt8] = []
        for character in secret.uppercased() {
            guard let index = alphabet.firstIndex(of: character) else { continue }
            value = (value << 5) | index
            bits += 5
            if bits >= 8 {
                key.append(UInt8((value >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        var counter = UInt64(date.timeIntervalSince1970 / 30).bigEndian
        let message = withUnsafeBytes(of: &counter) { Data($0) }
        let digest = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
        let offset = Int(digest[19] & 0x0F)
        let number =
            (UInt32(digest[offset] & 0x7F) << 24 | UInt32(digest[offset + 1]) << 16 | UInt32(digest[offset + 2]) << 8 | UInt32(digest[offset + 3])) % 1_000_000
        return String(format: "%06d", number)
    }

    @Test func a_user_turns_mfa_on_with_the_qr_code_then_off_with_a_backup_code() async throws {
        try await WebHarness.run { web in
            let email = try await web.seedUser(client: try await web.seedClient())
            let browser = WebHarness.Browser()
            #expect(try await web.logIn(email, as: browser).location == "/")
            let page = try await web.get("/settings/security", as: browser)
            #expect(page.text.contains("Off") && page.text.contains("action=\"/settings/security/setup\""), "\(page.text.prefix(300))")
            let token = try #require(page.field("_csrf"))

            let setup = try await web.post("/settings/security/setup", form: ["_csrf": token], as: browser)
            #expect(setup.status == .ok, "\(setup.text.prefix(400))")
            #expect(setup.text.contains("<svg class=\"qr\""), "the otpauth address as a QR code")
            let secret = String(try #require(setup.text.firstMatch(of: /<code>([A-Z2-7]{16,})<\/code>/)?.1))
            let backup = String(try #require(setup.text.firstMatch(of: /<li><code>([0-9A-Za-z-]{8,})<\/code><\/li>/)?.1))

            let wrong = try await web.post("/settings/security/verify", form: ["_csrf": token, "code": "000000"], as: browser)
            #expect(wrong.status == .badRequest && wrong.text.contains("role=\"alert\""))
            let on = try await web.post("/settings/security/verify", form: ["_csrf": token, "code": Self.totp(secret)], as: browser)
            #expect(on.location == "/settings/security?done=1", "\(on.status) \(on.text.prefix(300))")
            let enabled = try await web.get("/settings/security", as: browser)
            #expect(enabled.text.contains("action=\"/settings/security/disable\""), "MFA is on")

            let off = try await web.post(
                "/settings/security/disable", form: ["_csrf": token, "password": WebHarness.password, "code": backup], as: browser)
            #expect(off.location == "/settings/security?done=1", "\(off.status) \(off.text.prefix(300))")
            #expect(try await web.get("/settings/security", as: browser).text.contains("action=\"/settings/security/setup\""))
        }
    }
}
