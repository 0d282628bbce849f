import Foundation
import OptralisServer
import Hummingbird
import Logging
import OptralisCore
import Synchronization

/// The ca's internal API (`X-Internal-Token`; never published): issue, renew, revoke and
/// restore machine certificates, and the current CRL.
final class CAController: Sendable {
    let authority: CertificateAuthority
    let store: CertificateStore
    let logger: Logger
    /// The signed CRL and when it was made; rebuilt on every revocation or restore and after 12 h.
    private let crlCache = Mutex<(at: Date, der: [UInt8])?>(nil)

    init(authority: CertificateAuthority, store: CertificateStore, logger: Logger) {
        self.authority = authority
        self.store = store
        self.logger = logger
    }

    struct IssueRequest: Decodable {
        let clientID: UUID
        let machineID: UUID
        let createdBy: UUID?
        /// True for an agent's renewal: the superseded certificate keeps its grace.
        let renewal: Bool?
        enum CodingKeys: String, CodingKey { case clientID = "client_id", machineID = "machine_id", createdBy = "created_by", renewal }
    }
    struct IssueResponse: ResponseEncodable {
        let certificate: String
        let privateKey: String
        let caCertificate: String
        let serial: String
        let issuedAt: Date
        let expiresAt: Date
        enum CodingKeys: String, CodingKey {
            case certificate, serial, privateKey = "private_key", caCertificate = "ca_certificate", issuedAt = "issued_at", expiresAt = "expires_at"
        }
    }
    struct RevokeRequest: Decodable { let reason: String? }
    struct Done: ResponseEncodable {
        let serial: String
        let status: String
    }

    func addRoutes<Context: RequestContext>(to router: Router<Context>, token: String) {
        let group = router.group("internal").add(middleware: InternalTokenMiddleware<Context>(token: token))
        group.post("certificates") { request, context -> Response in
            let body = try await request.decode(as: IssueRequest.self, context: context)
            var response = try await self.issue(clientID: body.clientID, machineID: body.machineID, createdBy: body.createdBy, renewal: body.renewal ?? false)
                .response(from: request, context: context)
            response.status = .created
            return response
        }
        group.post("certificates/:serial/renew") { _, context -> IssueResponse in
            let serial = try context.parameters.decoded("serial")
            guard let existing = try await self.store.find(serial: serial), let machine = existing.machineID else {
                throw AppError.notFound("certificate \(serial) not found", code: "CERTIFICATE_NOT_FOUND")
            }
            return try await self.issue(clientID: existing.clientID, machineID: machine, createdBy: nil, renewal: true)
        }
        group.post("certificates/:serial/revoke") { request, context -> Done in
            let serial = try context.parameters.decoded("serial")
            let body = try? await request.decode(as: RevokeRequest.self, context: context)
            let reason =
                try body?.reason.map {
                    guard let reason = RevocationReason(rawValue: $0) else { throw AppError.validation("reason must be one of \(RevocationReason.list)") }
                    return reason
                } ?? .unspecified
            guard try await self.store.find(serial: serial) != nil else {
                throw AppError.notFound("certificate \(serial) not found", code: "CERTIFICATE_NOT_FOUND")
            }
            try await self.store.revoke(serial: serial, reason: reason)
            try await self.rebuildCRL()
            self.logger.notice("certificate revoked", metadata: ["serial": "\(serial)", "reason": "\(reason.rawValue)"])
            return Done(serial: serial, status: "revoked")
        }
        group.post("certificates/:serial/restore") { _, context -> Done in
            let serial = try context.parameters.decoded("serial")
            guard let existing = try await self.store.find(serial: serial) else {
                throw AppError.notFound("certificate \(serial) not found", code: "CERTIFICATE_NOT_FOUND")
            }
            guard existing.expiresAt > Date() else { throw AppError.conflict("an expired certificate cannot be restored", code: "CERTIFICATE_EXPIRED") }
            try await self.store.restore(serial: serial)
            try await self.rebuildCRL()
            return Done(serial: serial, status: "valid")
        }
        group.get("crl") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "application/pkix-crl", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: try await self.currentCRL())))
        }
        group.get("ca.crt") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/x-pem-file"], body: .init(byteBuffer: ByteBuffer(string: self.authority.certificatePEM)))
        }
    }

    func issue(clientID: UUID, machineID: UUID, createdBy: UUID?, renewal: Bool) async throws -> IssueResponse {
        let issued = try authority.issue(clientID: clientID, machineID: machineID)
        try await store.record(issued, clientID: clientID, machineID: machineID, createdBy: createdBy, renewal: renewal)
        try await rebuildCRL() // a superseded certificate joins the CRL
        logger.info(
            "certificate issued", metadata: ["serial": "\(issued.serialHex)", "optralis.client_id": "\(clientID)", "optralis.machine_id": "\(machineID)"])
        return IssueResponse(
            certificate: issued.certificatePEM, privateKey: issued.privateKeyPEM, caCertificate: authority.certificatePEM,
            serial: issued.serialHex, issuedAt: issued.issuedAt, expiresAt: issued.expiresAt)
    }

    func currentCRL() async throws -> [UInt8] {
        if let cached = crlCache.withLock({ $0 }), Date().timeIntervalSince(cached.at) < 12 * 3600 { return cached.der }
        return try await rebuildCRL()
    }

    @discardableResult
    func rebuildCRL() async throws -> [UInt8] {
        let der = try authority.crl(revoked: try await store.revoked(), number: Int(Date().timeIntervalSince1970))
        crlCache.withLock { $0 = (Date(), der) }
        return der
    }
}
