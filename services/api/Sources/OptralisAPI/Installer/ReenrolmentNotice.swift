import Foundation
import Logging
import OptralisCore
import OptralisRedis

/// Tells a client's admins that one of their machines was re-bound to a newly installed agent:
/// one `security_notice` email each on `email:queue` (the notifier sends the job's own subject
/// and text). A notice that cannot be queued is logged and put in the activity log; the
/// enrolment itself stands.
struct ReenrolmentNotice: Sendable {
    let queues: NotificationQueues?
    let machines: EnrolmentStore
    let activity: ActivityLogger
    let logger: Logger

    struct Event: Sendable {
        let clientID: UUID
        let machineID: UUID
        let hostname: String
        let tokenName: String
        let wasActive: Bool
        let ip: String?
        let at: Date
    }

    func send(_ event: Event) async {
        do {
            guard let queues else { throw APIError.emailQueueUnavailable("REDIS_URL is not set") }
            for admin in try await machines.admins(clientID: event.clientID) {
                let (subject, text) = Self.message(event, language: admin.language)
                try await queues.enqueue(
                    EmailJob(
                        type: "security_notice", email: admin.email, language: admin.language,
                        data: ["subject": subject, "textBody": text, "machine_id": event.machineID.uuidString.lowercased(), "hostname": event.hostname]))
            }
        } catch {
            logger.error("re-enrolment notice not queued", metadata: ["optralis.machine_id": "\(event.machineID)", "error": "\(error)"])
            await activity.record(
                .email, "Avis de ré-enrôlement non envoyé", level: .error, metadata: ["hostname": event.hostname, "error": "\(error)"],
                clientID: event.clientID)
        }
    }

    static func message(_ event: Event, language: String) -> (subject: String, text: String) {
        let when = event.at.formatted(.iso8601)
        let origin = event.ip ?? "?"
        let token = event.tokenName.isEmpty ? "-" : event.tokenName
        if language == "en" {
            return (
                "Optralis: machine \(event.hostname) was re-enrolled",
                """
                The machine \(event.hostname) was re-enrolled at \(when) from \(origin) with the install token "\(token)"\(event.wasActive ? ", while its agent was still active (the token allowed re-enrolment)" : "").
                It has a new certificate; the agent that used the previous one is refused.

                If nobody in your team installed the agent on this machine, revoke its certificate in Optralis and review your install tokens.
                """
            )
        }
        return (
            "Optralis : la machine \(event.hostname) a été ré-enrôlée",
            """
            La machine \(event.hostname) a été ré-enrôlée le \(when) depuis \(origin) avec le token d'installation « \(token) »\(event.wasActive ? ", alors que son agent était encore actif (le token autorisait le ré-enrôlement)" : "").
            Elle a reçu un nouveau certificat ; l'agent qui utilisait le précédent est refusé.

            Si personne de votre équipe n'a installé l'agent sur cette machine, révoquez son certificat dans Optralis et vérifiez vos tokens d'installation.
            """
        )
    }
}
