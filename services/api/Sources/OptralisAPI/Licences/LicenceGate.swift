import Foundation
import OptralisCore

/// The licence gates of the AI features (routines and triggers need Essentials or above,
/// the automation overview Pro or above, the AI configuration Enterprise) and of the sites
/// (Business or above). Levels are the
/// `tier_level` of the client's licence type (trial 0 … enterprise 5), read through the cached
/// client settings (`client:id:<uuid>`).
struct LicenceGate: Sendable {
    let settings: ClientSettingsStore

    enum Tier: Int, Sendable {
        case essentials = 2, pro = 3, business = 4, enterprise = 5

        var name: String {
            switch self {
            case .essentials: "Essentials"
            case .pro: "Pro"
            case .business: "Business"
            case .enterprise: "Enterprise"
            }
        }
    }

    /// Throws 403 `PREMIUM_REQUIRED` when the client's licence is below `tier`.
    func require(_ tier: Tier, clientID: UUID) async throws {
        let client = try await settings.settings(clientID)
        guard client.tierLevel >= tier.rawValue else {
            throw LicenceError.premiumRequired(tier: tier.name, clientLicence: client.licenseName)
        }
    }
}
