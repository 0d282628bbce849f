/// The email rule every service applies (the api's accounts and forms, the AI service's report
/// recipients): RFC 5322 simplified — one `@`, a dot in the domain, no spaces, at most 254
/// characters.
public enum EmailAddress {
    public static func isValid(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        return value.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains("." as Character)
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !value.contains(where: \.isWhitespace)
    }
}
