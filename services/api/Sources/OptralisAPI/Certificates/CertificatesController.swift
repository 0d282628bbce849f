import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// Machine certificates: the public CRL, an admin's revoke of a machine's certificate and renewal
/// request, and the super_admin's certificate list, stats, purge and restore.
final class CertificatesController: Sendable {
    let certificates: CertificateStore
    let ca: CAClient
    let activity: ActivityLogger
    let statuses: CertificateStatusCache
    let revoker: CertificateRevoker
    let published: PublishedCRL

    init(
        certificates: CertificateStore, ca: CAClient, activity: ActivityLogger, statuses: CertificateStatusCache, revoker: CertificateRevoker,
        published: PublishedCRL
    ) {
        (self.certificates, self.ca, self.activity, self.statuses, self.revoker, self.published) = (certificates, ca, activity, statuses, revoker, published)
    }

    struct Outcome: ResponseEncodable {
        let success: Bool
        let message: String
        let expiresAt: Date?
        var renewalRequestedAt: Date? = nil
        enum CodingKeys: String, CodingKey { case success, message, expiresAt = "expires_at", renewalRequestedAt = "renewal_requested_at" }
    }
    struct RevokeRequest: Decodable { let reason: String? }

    /// The body's RFC 5280 reason (`unspecified` without a body or a reason); any other value is a 400.
    static func reason(of request: Request, context: APIRequestContext) async throws -> RevocationReason {
        let body = try await request.body.collect(upTo: 4096)
        guard body.readableBytes > 0, let text = try OptralisRequestDecoder.decode(RevokeRequest.self, from: Data(buffer: body)).reason else {
            return .unspecified
        }
        guard let reason = RevocationReason(rawValue: text) else { throw APIError.validation("reason must be one of \(RevocationReason.list)") }
        return reason
    }
    struct Page: ResponseEncodable {
        let certificates: [CertificateStore.Entry]
        let total: Int
        let limit: Int
        let offset: Int
    }
    struct Stats: ResponseEncodable { let counts: [String: Int] }
    struct Purged: ResponseEncodable { let deleted: Int }

    func addPublicRoutes(to router: Router<APIRequestContext>) {
        router.get("/api/public/crl") { _, _ -> Response in
            let der = try await self.published.current()
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/pkix-crl", .contentDisposition: #"attachment; filename="optralis-agent.crl""#,
                    .cacheControl: "public, max-age=300",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: der)))
        }
    }

    /// `/api/machines/:id/certificate/*` in the tenant group (admins; observers get 403).
    func addMachineRoutes(to group: RouterGroup<APIRequestContext>) {
        group.post(":id/certificate/revoke") { request, context -> Outcome in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            let machine = try context.parameters.require("id", as: UUID.self)
            guard try await self.certificates.machineExists(id: machine, clientID: clientID) else { throw APIError.notFound("machine") }
            let reason = try await Self.reason(of: request, context: context)
            guard let serial = try await self.revoker.revokeActive(machineID: machine, clientID: clientID, reason: reason) else {
                throw CertificateError.noActiveCertificate
            }
            await self.activity.record(
                .certificate, "Certificat révoqué", level: .warn, metadata: ["serial": serial, "reason": reason.rawValue], clientID: clientID,
                userID: identity.userID, ip: context.clientIP)
            return Outcome(success: true, message: "Certificate revoked", expiresAt: nil)
        }
        // The agent renews at its next heartbeat (`renew_certificate`), through its own
        // `/agent/certificate/renew`, so the new key goes to the machine and nowhere else.
        group.post(":id/certificate/renew") { _, context -> Outcome in
            let identity = try context.requireIdentity()
            let clientID = try identity.requireClient()
            let machine = try context.parameters.require("id", as: UUID.self)
            guard try await self.certificates.machineExists(id: machine, clientID: clientID) else { throw APIError.notFound("machine") }
            guard let requestedAt = try await self.certificates.requestRenewal(machineID: machine, clientID: clientID) else {
                throw CertificateError.noActiveCertificateToRenew
            }
            await self.activity.record(.certificate, "Renouvellement du certificat demandé", clientID: clientID, userID: identity.userID, ip: context.clientIP)
            return Outcome(
                success: true, message: "Certificate renewal requested: the agent renews it at its next heartbeat", expiresAt: nil,
                renewalRequestedAt: requestedAt)
        }
    }

    /// `/api/admin/certificates*` in the super_admin group.
    func addAdminRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("certificates") { request, _ -> Page in
            let query = request.uri.queryParameters
            let status = query["status"].map(String.init)
            if let status, !CertificateStore.statuses.contains(status) {
                throw APIError.validation("status must be one of \(CertificateStore.statuses.joined(separator: ", "))")
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
            await self.activity.record(
                .certificate, "Certificats inactifs purgés", metadata: ["deleted": String(deleted)], userID: try context.requireIdentity().userID,
                ip: context.clientIP)
            return Purged(deleted: deleted)
        }
        group.post("certificates/refresh-cache") { _, context -> Purged in
            let cleared = try await self.statuses.clear()
            await self.activity.record(
                .certificate, "Cache des certificats vidé", metadata: ["keys": String(cleared)], userID: try context.requireIdentity().userID,
                ip: context.clientIP)
            return Purged(deleted: cleared)
        }
        group.post("certificates/:serial/restore") { _, context -> Outcome in
            let serial = try context.parameters.decoded("serial")
            try await self.ca.restore(serial: serial)
            self.published.invalidate()
            await self.statuses.invalidate(serials: [serial])
            await self.activity.record(
                .certificate, "Certificat restauré", metadata: ["serial": serial], userID: try context.requireIdentity().userID, ip: context.clientIP)
            return Outcome(success: true, message: "Certificate restored", expiresAt: nil)
        }
    }
}
