import Foundation

/// The variables every template receives (the spec's `EmailData`, "Variables communes"); the
/// language is ``EmailRenderer/render(_:language:variables:alert:common:)``'s own argument.
public struct CommonEmailVariables: Sendable, Equatable {
    /// The Optralis site, e.g. `https://optralis.2lacs-it.com`: the default target of buttons.
    public var baseURL: String
    /// 2LACS IT's site, linked from the footer.
    public var companyURL: String
    /// Shown in the footer: "© 2026 2LACS IT".
    public var companyName: String
    public var year: Int
    /// The Content-ID of the inline logo: the header's `<img src="cid:…">`. The message must carry an
    /// image with this Content-ID (``OptralisLogo/inlineImage`` for the default).
    public var logoCID: String

    public init(
        baseURL: String = "https://optralis.2lacs-it.com", companyURL: String = "https://2lacs-it.com",
        companyName: String = "2LACS IT", year: Int? = nil, logoCID: String = OptralisLogo.contentID
    ) {
        self.baseURL = baseURL
        self.companyURL = companyURL
        self.companyName = companyName
        self.year = year ?? Self.currentYear()
        self.logoCID = logoCID
    }

    /// The base URL without a trailing slash, for building links such as `\(base)/machines`.
    var base: String {
        var url = baseURL
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    private static func currentYear() -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        return calendar.component(.year, from: Date())
    }
}
