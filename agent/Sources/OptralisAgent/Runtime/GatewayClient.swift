#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OptralisCore
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
        /// No HTTP answer (connection refused or reset, a handshake the gateway closed, a
        /// timeout): keep it, try again within the reconnect window.
        case unreachable(reason: String)
        /// The gateway asks to wait (503 or 429, with its `Retry-After`, bounded, if any): keep it,
        /// try again after that.
        case shedding(status: Int, retryAfter: Int?)
        /// Another 5xx, a refused certificate: keep it, try later.
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
            case 429, 503:
                return (.shedding(status: response.status, retryAfter: AgentRetryPolicy.retryAfter(response.header("Retry-After"))), response)
            // A proxy in front of the gateway saying the gateway is not there.
            case 502, 504: return (.unreachable(reason: "HTTP \(response.status)"), response)
            default: return (.retryLater(reason: "HTTP \(response.status)"), response)
            }
        } catch {
            return (.unreachable(reason: "\(error)"), nil)
        }
    }
}

extension GatewayClient.Outcome {
    /// How ``AgentRetryPolicy`` waits after this outcome; nil when there is nothing to retry.
    public var failure: AgentRetryPolicy.Failure? {
        switch self {
        case .unreachable: .unreachable
        case .shedding(_, let retryAfter): .shedding(retryAfter: retryAfter)
        case .retryLater: .other
        case .delivered, .rejected, .licenceInactive: nil
        }
    }
}
