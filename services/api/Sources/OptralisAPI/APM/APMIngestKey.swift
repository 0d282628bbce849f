import Foundation

/// An application's OTLP ingest key: `oapm_` and 256 random bits (base64url), shown once when
/// made; only its SHA-256 (hex) and its first 12 characters are stored.
struct APMIngestKey: Sendable {
    let key: String
    let hash: String
    let prefix: String

    static func make() -> APMIngestKey {
        let key = "oapm_" + SecureToken.random(bytes: 32)
        return APMIngestKey(key: key, hash: SecureToken.sha256Hex(key), prefix: String(key.prefix(12)))
    }

    /// The key a request presents: `Authorization: Bearer <key>` or `x-optralis-key: <key>`;
    /// nil when neither holds a plausible key (at most 100 characters).
    static func presented(authorization: String?, header: String?) -> String? {
        var candidates: [String] = []
        if let authorization, authorization.lowercased().hasPrefix("bearer ") { candidates.append(String(authorization.dropFirst(7))) }
        if let header { candidates.append(header) }
        return candidates.map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix("oapm_") && $0.utf8.count <= 100 }
    }
}

/// The APM licence tiers (spec "APM - Application Performance Monitoring (Pro+)"): Pro monitors
/// one application (probes, no traces); Business up to ``businessApplications`` with distributed
/// traces; Enterprise any number, with OTLP custom metrics.
enum APMPolicy {
    static let businessApplications = 20

    /// nil: no limit.
    static func maximumApplications(tierLevel: Int) -> Int? {
        tierLevel >= LicenceGate.Tier.enterprise.rawValue ? nil : tierLevel >= LicenceGate.Tier.business.rawValue ? businessApplications : 1
    }
}
