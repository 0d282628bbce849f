/// Why a machine certificate was revoked: RFC 5280's CRLReason values (5.3.1) in the API's
/// snake_case, with their CRL code. `remove_from_crl` (8) is left out: lifting a revocation is
/// the super_admin's restore, not a reason.
public enum RevocationReason: String, CaseIterable, Sendable, Codable {
    case unspecified
    case keyCompromise = "key_compromise"
    case caCompromise = "ca_compromise"
    case affiliationChanged = "affiliation_changed"
    case superseded
    case cessationOfOperation = "cessation_of_operation"
    case certificateHold = "certificate_hold"
    case privilegeWithdrawn = "privilege_withdrawn"
    case aaCompromise = "aa_compromise"

    /// The CRL entry's reason code.
    public var code: Int32 {
        switch self {
        case .unspecified: 0
        case .keyCompromise: 1
        case .caCompromise: 2
        case .affiliationChanged: 3
        case .superseded: 4
        case .cessationOfOperation: 5
        case .certificateHold: 6
        case .privilegeWithdrawn: 9
        case .aaCompromise: 10
        }
    }

    /// The accepted values, for error messages.
    public static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
