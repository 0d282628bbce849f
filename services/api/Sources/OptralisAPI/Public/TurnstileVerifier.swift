import Foundation
import OptralisCore
import OptralisCurl

/// Cloudflare Turnstile's server-side check ("siteverify"): a form POST of the secret, the
/// visitor's token and IP; the answer is `{"success": bool, "error-codes": [...]}`.
struct TurnstileVerifier: Sendable {
    let secret: String
    /// `TURNSTILE_VERIFY_URL`; Cloudflare's by default.
    let url: String
    let http: CurlClient

    static let cloudflareURL = "https://challenges.cloudflare.com/turnstile/v0/siteverify"

    struct Answer: Decodable {
        let success: Bool
        let errorCodes: [String]?
        enum CodingKeys: String, CodingKey { case success, errorCodes = "error-codes" }
    }

    /// Throws a 400 `TURNSTILE_FAILED` when Cloudflare refuses the token, a 502 when it cannot be asked.
    func verify(token: String, remoteIP: String?) async throws {
        let fields: [(name: String, value: String)] = [("secret", secret), ("response", token)] + (remoteIP.map { [("remoteip", $0)] } ?? [])
        let response: OutboundResponse
        do {
            response = try await http.send(.postForm(url, fields: fields, timeout: .seconds(10)))
        } catch {
            throw PublicError.turnstileUnreachable
        }
        guard response.status == 200, let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.body)) else {
            throw PublicError.turnstileStatus(response.status)
        }
        guard answer.success else {
            let reasons = (answer.errorCodes ?? []).joined(separator: ", ")
            throw PublicError.turnstileFailed(reasons: reasons)
        }
    }
}
