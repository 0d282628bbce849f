import Foundation
import NIOCore
import NIOSSL
import Synchronization
import X509

/// The machine each open agent connection's certificate names, read once per connection. TLS
/// fixes the peer certificate for the life of a connection (NIOSSL allows no renegotiation), so
/// decoding it again on every request, as the agents' keep-alive connections send hundreds,
/// would only repeat the work; the entry goes when the connection closes. Whether the
/// certificate is still current is checked on every request all the same
/// (``CertificateStatusCache``).
final class ConnectionIdentities: Sendable {
    private let known = Mutex<[ObjectIdentifier: AgentIdentity]>([:])

    /// Nil without a client certificate; throws ``AgentError/legacy`` for a certificate whose
    /// CN is not `client_id:machine_id`.
    func identity(of channel: any Channel) async throws -> AgentIdentity? {
        let key = ObjectIdentifier(channel)
        if let identity = known.withLock({ $0[key] }) { return identity }
        guard let peer = try await channel.nioSSL_peerCertificate().get() else { return nil }
        let identity = try Self.decode(try Certificate(derEncoded: try peer.toDERBytes()))
        let added = known.withLock { $0.updateValue(identity, forKey: key) == nil }
        // Registered after the insertion: a connection already closed removes it at once.
        if added { channel.closeFuture.whenComplete { _ in _ = self.known.withLock { $0.removeValue(forKey: key) } } }
        return identity
    }

    var count: Int { known.withLock(\.count) }

    private static func decode(_ certificate: Certificate) throws -> AgentIdentity {
        let commonName = certificate.subject.compactMap { rdn in rdn.first { $0.type == .RDNAttributeType.commonName } }
            .first.map { String(describing: $0.value) }
        let parts = commonName?.split(separator: ":") ?? []
        guard parts.count == 2, let clientID = UUID(uuidString: String(parts[0])), let machineID = UUID(uuidString: String(parts[1])) else {
            throw AgentError.legacy
        }
        let serial = certificate.serialNumber.bytes.drop { $0 == 0 }.hexString
        return AgentIdentity(clientID: clientID, machineID: machineID, serial: serial, expiresAt: certificate.notValidAfter)
    }
}
