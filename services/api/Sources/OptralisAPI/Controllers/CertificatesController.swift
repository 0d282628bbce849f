import Foundation
import Hummingbird
import OptralisCore
import OptralisServer
import Synchronization

/// Machine certificates: the public CRL, an admin's revoke/renew of a machine's certificate,
/// and the super_admin's certificate list, stats, purge and restore.
final class CertificatesController: Sendable {
    let certificates: CertificateRepository
    let ca: CAClient
    let activity: ActivityLogger
    let statuses: CertificateStatusCache
    /// `GET /api/public/crl` is cached 5 minutes (and refreshed after a revocation made here).
    private let crlCache = Mutex<(at: Date, der: [UInt8])?>(nil)

    init(certificates: CertificateRepository, ca: CAClient, activity: ActivityLogger, statuses: CertificateStatusCache) {
        self.certificates = certificates
        self.ca = ca
        self.activity = activity
        self.statuses = statuses
    }

    struct Outcome: ResponseEncodable {
        let success: Bool
        let message: String
        let expiresAt: Date?
        enum CodingKeys: String, CodingKey { case success, message, expiresAt = "expires_at" }
    }
    struct RevokeRequest: Decodable { let reason: String? }
    struct Page: ResponseEncodable {
        let certificates: [CertificateRepository.Entry]
        let total: Int
        let limit: Int
        let offset: Int
    }
    struct Stats: ResponseEncodable { let counts: [String: Int] }
    struct Purged: ResponseEncodable { let deleted: Int }

    func addPublicRoutes(to router: Router<APIRequestContext>) {
        router.get("/api/public/crl") { _, _ -> Response in
            let der = try await self.crl()
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/pkix-crl", .contentDisposition: #"attachment; filename="optralis-agent.crl""#,
                    .cacheControl: "public, max-age=300",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: der)))
        }
    }

    func crl() async throws -> [UInt8] {
        if let cached = crlCache.withLock({ $0 }), Date().timeIntervalSince(cached.at) < 300 { return cached.der }
        let der = try await ca.crl()
        crlCache.withLock { $0 = (Date(), der) }
        return der
    }

    /// `/api/machines/:id/certificate/*` in the tenant group (admins; observers get 403).
    func addMachineRoutes(to group: RouterGroup<APIRequestContext>) {
        group.post(":id/certificate/revoke") { request, context -> Outcome in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            let machine = try context.parameters.require("id", as: UUID.self)
            guard try await self.certificates.machineExists(id: machine, clientID: clientID) else { throw APIError.notFound("machine") }
            guard let serial = try await self.certificates.activeSerial(machineID: machine, clientID: clientID) else {
                throw AppError.notFound("the machine has no active certificate", code: "CERTIFICATE_NOT_FOUND")
            }
            let reason = (try? await request.decode(as: RevokeRequest.self, context: context))?.reason ?? "unspecified"
            try await self.ca.revoke(serial: serial, reason: reason)
            self.crlCache.withLock { $0 = nil }
            // Superseded certificates still in their grace period lose it too.
            await self.statuses.invalidate(serials: try await self.certificates.serials(machineID: machine, clientID: clientID))
            await self.activity.record(.certificate, "Certificat révoqué", level: .warn, metadata: ["serial": serial, "reason": reason], clientID: clientID, userID: identity.userID, ip: context.clientIP)
            return Outcome(success: true, message: "Certificate revoked", expiresAt: nil)
        }
        group.post(":id/certificate/renew") { _, context -> Outcome in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            let machine = try context.parameters.require("id", as: UUID.self)
            guard try await self.certificates.machineExists(id: machine, clientID: clientID) else { throw APIError.notFound("machine") }
            let previous = try await self.certificates.activeSerial(machineID: machine, clientID: clientID)
            let bundle = try await self.ca.issue(clientID: clientID, machineID: machine, createdBy: identity.userID)
            self.crlCache.withLock { $0 = nil }
            await self.statuses.invalidate(serials: previous.map { [$0] } ?? [])
            await self.activity.record(.certificate, "Certificat renouvelé", metadata: ["serial": bundle.serial], clientID: clientID, userID: identity.userID, ip: context.clientIP)
            return Outcome(success: true, message: "Certificate renewed successfully", expiresAt: bundle.expiresAt)
        }
    }

    /// `/api/admin/certificates*` in the super_admin group.
    func addAdminRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("certificates") { request, _ -> Page in
            let query = request.uri.queryParameters
            let status = query["status"].map(String.init)
            if let status, !CertificateRepository.statuses.contains(status) {
                throw APIError.validation("status must be one of \(CertificateRepository.statuses.joined(separator: ", "))")
            }
            let limit = try query.integer("limit", default: 50, in: 1...200)
            let offset = try query.integer("offset", default: 0, in: 0...Paging.maximumOffset)
            let (entries, total) = try await self.certificates.search(
                status: status, clientID: try query.uuid("client_id"), search: try query.text("search", maximumLength: 200), limit: limit, offset: offset)
            return Page(certificates: entries, total: total, limit: limit, offset: offset)
        }
        group.get("certificates/stats") { _, _ in Stats(counts: try await self.certificates.stats()) }
        group.delete("certificates/purge") { _, context -> Purged in
            let deleted = try await self.certificates.purgeInactive()
            await self.activity.record(.certificate, "Certificats inactifs purgés", metadata: ["deleted": String(deleted)], userID: try context.requireIdentity().userID, ip: context.clientIP)
            return Purged(deleted: deleted)
        }
        group.post("certificates/refresh-cache") { _, context -> Purged in
            let cleared = try await self.statuses.clear()
            await self.activity.record(.certificate, "Cache des certificats vidé", metadata: ["keys": String(cleared)], userID: try context.requireIdentity().userID, ip: context.clientIP)
            return Purged(deleted: cleared)
        }
        group.post("certificates/:serial/restore") { _, context -> Outcome in
            let serial = try context.parameters.decoded("serial")
            try await self.ca.restore(serial: serial)
            self.crlCache.withLock { $0 = nil }
            await self.statuses.invalidate(serials: [serial])
            await self.activity.record(.certificate, "Certificat restauré", metadata: ["serial": serial], userID: try context.requireIdentity().userID, ip: context.clientIP)
            return Outcome(success: true, message: "Certificate restored", expiresAt: nil)
        }
    }
}
