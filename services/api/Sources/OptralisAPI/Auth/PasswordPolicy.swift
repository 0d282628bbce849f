import OptralisCore

/// The spec's password policy: at least 12 characters with an upper-case letter, a lower-case
/// letter, a digit and a special character; at most 128 (bcrypt reads 72 bytes).
enum PasswordPolicy {
    static let minimumLength = 12
    static let maximumLength = 128
    static let lifetimeDays = 90

    static func validate(_ password: String) throws(AppError) {
        var missing: [String] = []
        if password.count < minimumLength { missing.append("at least \(minimumLength) characters") }
        if password.count > maximumLength { missing.append("at most \(maximumLength) characters") }
        if !password.contains(where: \.isUppercase) { missing.append("an upper-case letter") }
        if !password.contains(where: \.isLowercase) { missing.append("a lower-case letter") }
        if !password.contains(where: \.isNumber) { missing.append("a digit") }
        if !password.contains(where: { !$0.isLetter && !$0.isNumber && !$0.isWhitespace }) { missing.append("a special character") }
        if password.utf8.count > 72 { missing.append("at most 72 bytes (bcrypt's limit)") }
        guard missing.isEmpty else {
            throw AuthError.weakPassword(missing: missing)
        }
    }

    /// A random password that satisfies the policy (new users, admin resets).
    static func generate() -> String {
        SecureToken.random(bytes: 15) + "a7-Q"
    }
}
