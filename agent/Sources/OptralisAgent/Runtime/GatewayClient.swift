#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCurl

/// The agent's side of the mTLS port: its own certificate and key, the gateway checked against
/// the CA it was given at enrolment. libcurl keeps the connection alive between posts.
public struct GatewayClient: Sendable {
    public let baseURL: String
    let tls: TLSOptions
    let http: CurlClient

    public init(files: AgentFiles, enrolment: AgentFiles.Enrolment, http: CurlClient) {
        baseURL = enrolment.agentAPIURL.hasSuffix("/") ? String(enrolment.agentAPIURL.dropLast()) : enrolment.agentAPIURL
        tls = TLSOptions(caFile: files.authorityFile, clientCertificateFile: files.certificateFile, clientKeyFile: files.keyFile)
        self.http = http
    }

    /// What became of a post.
    public enum Outcome: Equatable, Sendable {
        /// Stored, or already stored (a retry): done with it.
        case delivered
        /// Refused for good (400, 404, 413): retrying cannot help; dropped and logged.
        case rejected(status: Int, body: String)
        /// The gateway is unreachable, overloaded or refuses the certificate: keep it, try later.
        case retryLater(reason: String)
        /// The client's licence is suspended or expired (403 `LICENSE_SUSPENDED` /
        /// `LICENSE_EXPIRED`): keep everything and try again slowly, until it is renewed.
        case licenceInactive(code: String)
    }

    static let licenceCodes: Set<String> = ["LICENSE_SUSPENDED", "LICENSE_EXPIRED"]

    /// The certificate files were replaced: the next post opens a connection that presents them.
    public func reloadIdentity() {
        http.closeConnections()
    }

    public func get(_ path: String) async throws -> OutboundResponse {
        try await http.send(OutboundRequest(url: baseURL + path, timeout: .seconds(30), tls: tls))
    }

    public func post(_ path: String, body: Data) async -> (Outcome, OutboundResponse?) {
        let request = OutboundRequest(
            method: .post, url: baseURL + path, headers: [("Content-Type", "application/json")], body: Array(body), timeout: .seconds(30), tls: tls)
        do {
            let response = try await http.send(request)
            switch response.status {
            case 200..<300: return (.delivered, response)
            case 400, 404, 413, 422: return (.rejected(status: response.status, body: response.bodyText), response)
            case 403:
                let code = (try? JSONDecoder().decode([String: String].self, from: Data(response.body)))?["code"]
                if let code, Self.licenceCodes.contains(code) { return (.licenceInactive(code: code), response) }
                return (.retryLater(reason: "HTTP 403"), response)
            default: return (.retryLater(reason: "HTTP \(response.status)"), response)
            }
        } catch {
            return (.retryLater(reason: "\(error)"), nil)
        }
    }
}
