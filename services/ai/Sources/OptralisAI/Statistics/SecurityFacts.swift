/// The security collector's facts and pending updates (`security`, `patches`).
struct SecurityFacts: Sendable, Equatable {
    var firewallEnabled: Bool?
    var antivirusEnabled: Bool?
    var antivirusUpToDate: Bool?
    var pendingSecurityUpdates = 0
    var rebootRequired = false
}
