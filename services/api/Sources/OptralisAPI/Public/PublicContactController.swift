import Foundation
import Hummingbird
import Logging
import OptralisCore
import OptralisRedis

/// `POST /api/public/contact`: the website's contact form. A filled honeypot (`website`) is
/// answered like a success and dropped; with `TURNSTILE_SECRET_KEY` set, the Turnstile token is
/// checked with Cloudflare; 5 posts a minute per IP. The team (`CONTACT_EMAIL`) gets the message
/// through the notifier's queue, and the visitor a confirmation.
///
/// The confirmation goes to whatever address the form names, so it is a fixed text that repeats
/// nothing the visitor wrote (else it would be phishing sent from the operator's own domain), and
/// in production it is sent only when Turnstile proves a human filled the form.
struct PublicContactController {
    let turnstile: TurnstileVerifier?
    let contactEmail: String?
    let production: Bool
    let queues: NotificationQueues?
    let limiter: RateLimiter
    let activity: ActivityLogger

    static let subjects: Set<String> = ["", "demo", "technical", "enterprise"]

    struct ContactRequest: Decodable {
        let name: String?
        let email: String?
        let company: String?
        let subject: String?
        let message: String?
        let language: String?
        let turnstileToken: String?
        let website: String?
        enum CodingKeys: String, CodingKey {
            case name, email, company, subject, message, language, website, turnstileToken = "turnstile_token"
        }
    }

    struct Sent: ResponseEncodable {
        let success = true
        let message: String
    }

    func addRoutes(to router: Router<APIRequestContext>) {
        router.group("api/public/contact").add(middleware: RateLimitMiddleware(limiter: limiter, scope: "contact")).post { request, context -> Sent in
            let body = try await request.decode(as: ContactRequest.self, context: context)
            let reply = Sent(message: "Message sent")
            if let website = body.website, !website.isEmpty {
                context.logger.notice("contact form honeypot filled: dropped")
                return reply
            }
            let form = try Self.validated(body)
            guard let contactEmail else {
                throw PublicError.contactNotConfigured
            }
            if let turnstile {
                guard let token = body.turnstileToken, !token.isEmpty else {
                    throw PublicError.turnstileRequired
                }
                try await turnstile.verify(token: token, remoteIP: context.clientIP)
            }
            guard let queues else { throw Self.queueUnavailable }
            do {
                try await queues.enqueue(EmailJob(type: "contact_notification", email: contactEmail, language: form.language, data: form.data))
                if turnstile != nil || !production {
                    try await queues.enqueue(EmailJob(type: "contact_confirmation", email: form.email, language: form.language, data: [:]))
                }
            } catch {
                context.logger.error("contact form not queued", metadata: ["error": "\(error)"])
                throw Self.queueUnavailable
            }
            await activity.record(
                .email, "Formulaire de contact reçu", metadata: ["email": form.email, "subject": form.data["subject"] ?? ""], ip: context.clientIP)
            return reply
        }
    }

    private static let queueUnavailable = APIError.emailQueueUnavailable("the message could not be queued, try again later")

    struct Form {
        let email: String
        let language: String
        /// The email templates' variables.
        let data: [String: String]
    }

    static func validated(_ body: ContactRequest) throws -> Form {
        guard let name = try Validation.text(body.name, field: "name", maximum: 100) else { throw APIError.validation("name is required") }
        guard let email = body.email?.trimmingCharacters(in: .whitespaces), Validation.isEmail(email) else {
            throw APIError.validation("email must be a valid address")
        }
        guard let message = try Validation.text(body.message, field: "message", maximum: 5000) else { throw APIError.validation("message is required") }
        let subject = body.subject ?? ""
        guard subjects.contains(subject) else { throw APIError.validation("subject must be demo, technical, enterprise or empty") }
        let company = try Validation.name(body.company, field: "company")
        var data = ["name": name, "email": email, "message": message, "subject": subject]
        if let company, !company.isEmpty { data["company"] = company }
        return Form(email: email, language: try Validation.language(body.language) ?? "fr", data: data)
    }
}
