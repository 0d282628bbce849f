import Foundation
@testable import OptralisAPI
import Testing

@Suite("TOTP (RFC 6238) and base32 (RFC 4648)")
struct TOTPTests {
    /// RFC 6238 Appendix B: the published test vectors (8 digits, 30-second steps).
    static let vectors: [(time: TimeInterval, sha1: String, sha256: String, sha512: String)] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ]

    @Test(arguments: vectors.indices)
    func matches_the_rfc_6238_test_vectors(index: Int) {
        let vector = Self.vectors[index]
        let date = Date(timeIntervalSince1970: vector.time)
        let seed20 = Array("12345678901234567890".utf8)
        let seed32 = Array("12345678901234567890123456789012".utf8)
        let seed64 = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)
        #expect(TOTP(secret: seed20, digits: 8, algorithm: .sha1).code(at: date) == vector.sha1)
        #expect(TOTP(secret: seed32, digits: 8, algorithm: .sha256).code(at: date) == vector.sha256)
        #expect(TOTP(secret: seed64, digits: 8, algorithm: .sha512).code(at: date) == vector.sha512)
    }

    @Test func six_digit_codes_are_accepted_one_step_either_side_and_no_further() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        #expect(totp.code(at: now) == "050471", "the 6-digit code is the low 6 digits of the 8-digit vector")
        #expect(totp.validate(totp.code(at: now), at: now))
        #expect(totp.validate(totp.code(at: now.addingTimeInterval(-30)), at: now))
        #expect(totp.validate(totp.code(at: now.addingTimeInterval(30)), at: now))
        #expect(!totp.validate(totp.code(at: now.addingTimeInterval(-60)), at: now))
        #expect(!totp.validate(totp.code(at: now.addingTimeInterval(90)), at: now))
        #expect(!totp.validate("12345", at: now) && !totp.validate("abcdef", at: now) && !totp.validate("", at: now))
    }

    @Test func base32_follows_rfc_4648() {
        let vectors = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base32.decode("MZXW6YTBOI======") == Array("foobar".utf8), "padding is ignored")
        #expect(Base32.decode("not base32!") == nil)
    }

    @Test func provisioning_url_is_an_otpauth_url_for_the_account() {
        let url = TOTP.provisioningURL(secret: "JBSWY3DPEHPK3PXP", account: "user@example.com")
        #expect(url == "otpauth://totp/Optralis:user@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Optralis")
    }
}

@Suite("Password policy")
struct PasswordPolicyTests {
    @Test(arguments: [
        ("Short-1a", "at least 12 characters"),
        ("alllowercase-123", "an upper-case letter"),
        ("ALLUPPERCASE-123", "a lower-case letter"),
        ("No-Digits-Here!", "a digit"),
        ("NoSpecials12345", "a special character"),
    ])
    func weak_passwords_are_refused_with_the_missing_rule(password: String, rule: String) {
        do {
            try PasswordPolicy.validate(password)
            Issue.record("\(password) was accepted")
        } catch {
            #expect(error.code == "WEAK_PASSWORD")
            #expect(error.message.contains(rule), "\(error.message)")
        }
    }

    @Test func a_strong_password_and_every_generated_one_pass() throws {
        try PasswordPolicy.validate("Correct-Horse-9!")
        for _ in 0..<50 { try PasswordPolicy.validate(PasswordPolicy.generate()) }
    }
}
