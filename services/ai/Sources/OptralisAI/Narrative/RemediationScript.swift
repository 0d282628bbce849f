/// A script of a ``Narrative``; ``ScriptSafety`` completes its warnings before anyone sees it.
struct RemediationScript: Sendable, Equatable, Codable {
    /// bash or powershell.
    var platform: String
    var purpose: String
    var code: String
    var safetyWarnings: [String]

    enum CodingKeys: String, CodingKey {
        case platform, purpose, code, safetyWarnings = "safety_warnings"
    }
}

extension RemediationScript {
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        platform = try container.decodeIfPresent(String.self, forKey: .platform) ?? "bash"
        purpose = try container.decodeIfPresent(String.self, forKey: .purpose) ?? ""
        code = try container.decode(String.self, forKey: .code)
        safetyWarnings = try container.decodeIfPresent([String].self, forKey: .safetyWarnings) ?? []
    }
}
