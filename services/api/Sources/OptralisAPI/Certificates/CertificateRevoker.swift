import Foundation
import OptralisCore

/// Revokes machine certificates through the ca and forgets their cached status and the cached
/// public CRL, so the gateway refuses them at the next request and the CRL lists them at once,
/// rather than within the caches' 5 minutes.
struct CertificateRevoker: Sendable {
    let certificates: CertificateStore
    let ca: CAClient
    let statuses: CertificateStatusCache
    let published: PublishedCRL

    /// Revokes the machine's active certificate; nil when it has none. The ca also ends the
    /// grace of a certificate an earlier renewal superseded.
    func revokeActive(machineID: UUID, clientID: UUID, reason: RevocationReason) async throws -> String? {
        guard let serial = try await certificates.activeSerial(machineID: machineID, clientID: clientID) else { return nil }
        try await ca.revoke(serial: serial, reason: reason)
        published.invalidate()
        await statuses.invalidate(serials: try await certificates.serials(machineID: machineID, clientID: clientID))
        return serial
    }

    /// Revokes every certificate of the machine the gateway would still accept (the active one,
    /// one in its renewal grace); the serials revoked.
    func revokeAll(machineID: UUID, clientID: UUID, reason: RevocationReason) async throws -> [String] {
        let live = try await certificates.liveSerials(machineID: machineID, clientID: clientID)
        for serial in live { try await ca.revoke(serial: serial, reason: reason) }
        if !live.isEmpty { published.invalidate() }
        await statuses.invalidate(serials: try await certificates.serials(machineID: machineID, clientID: clientID))
        return live
    }
}
