import Foundation
import OptralisCore
import OptralisCurl
import OptralisServer

/// The api's calls to the ca service (`CA_SERVICE_URL`, `X-Internal-Token`).
struct CAClient: Sendable {
    let baseURL: String
    let token: String
    let http: CurlClient

    struct Bundle: Codable, Sendable {
        let certificate: String
        let privateKey: String
        let caCertificate: String
        let serial: String
        let expiresAt: Date
        enum CodingKeys: String, CodingKey {
            case certificate, serial, privateKey = "private_key", caCertificate = "ca_certificate", expiresAt = "expires_at"
        }
    }

    /// A new certificate for the machine; its previous one is superseded, with the 24 h grace
    /// only for an agent's `renewal`.
    func issue(clientID: UUID, machineID: UUID, createdBy: UUID?, renewal: Bool) async throws -> Bundle {
        var body: [String: Any] = ["client_id": clientID.uuidString, "machine_id": machineID.uuidString, "renewal": renewal]
        if let createdBy { body["created_by"] = createdBy.uuidString }
        let request = OutboundRequest(
            method: .post, url: "\(baseURL)/internal/certificates",
            headers: [("Content-Type", "application/json"), ("X-Internal-Token", token)],
            body: Array(try JSONSerialization.data(withJSONObject: body)), timeout: .seconds(15))
        let response: OutboundResponse
        do {
            response = try await http.send(request)
        } catch {
            throw CertificateError.caUnreachable
        }
        guard response.status == 201 else {
            throw CertificateError.caRefused(status: response.status)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Bundle.self, from: Data(response.body))
    }

    /// Revokes a certificate; the ca also ends the renewal grace of the machine's other ones.
    func revoke(serial: String, reason: RevocationReason) async throws {
        try await post("/internal/certificates/\(serial)/revoke", body: ["reason": reason.rawValue], expecting: 200)
    }

    func restore(serial: String) async throws {
        try await post("/internal/certificates/\(serial)/restore", body: [:], expecting: 200)
    }

    /// The CA's certificate (PEM), which agents trust for the gateway.
    func certificate() async throws -> String {
        String(decoding: try await get("/internal/ca.crt"), as: UTF8.self)
    }

    /// The CA's current CRL (DER).
    func crl() async throws -> [UInt8] { try await get("/internal/crl") }

    private func get(_ path: String) async throws -> [UInt8] {
        let response: OutboundResponse
        do {
            response = try await http.send(OutboundRequest(url: baseURL + path, headers: [("X-Internal-Token", token)], timeout: .seconds(10)))
        } catch {
            throw CertificateError.caUnreachable
        }
        guard response.status == 200 else { throw CertificateError.caRefused(status: response.status) }
        return response.body
    }

    private func post(_ path: String, body: [String: String], expecting status: Int) async throws {
        let request = OutboundRequest(
            method: .post, url: baseURL + path, headers: [("Content-Type", "application/json"), ("X-Internal-Token", token)],
            body: Array(try JSONSerialization.data(withJSONObject: body)), timeout: .seconds(15))
        let response: OutboundResponse
        do {
            response = try await http.send(request)
        } catch {
            throw CertificateError.caUnreachable
        }
        switch response.status {
        case status: return
        case 404: throw CertificateError.notFound
        case 409: throw CertificateError.notRestorable
        default: throw CertificateError.caRefused(status: response.status)
        }
    }
}
