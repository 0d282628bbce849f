import Foundation
import Hummingbird
import HummingbirdTesting
import OptralisRedis
import OptralisTestSupport
import Synchronization
import Testing

@Suite("Public routes: contact form and landing statistics")
struct PublicRoutesTests {
    /// A stand-in for Cloudflare's siteverify: a form POST of `secret`, `response`, `remoteip`,
    /// answered with Turnstile's JSON. Only "good-token" passes.
    final class Forms: Sendable {
        let received = Mutex<[String]>([])
    }

    static func turnstile(_ seen: Forms) -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/turnstile/v0/siteverify") { request, _ -> Response in
            let form = String(buffer: try await request.body.collect(upTo: 1 << 16))
            seen.received.withLock { $0.append(form) }
            var fields: [String: String] = [:]
            for pair in form.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
                if parts.count == 2 { fields[parts[0]] = parts[1] }
            }
            let ok = fields["secret"] == "turnstile-secret+1" && fields["response"] == "good-token"
            let body =
                ok
                ? #"{"success": true, "error-codes": [], "challenge_ts": "2026-11-22T08:00:00.000Z", "hostname": "optralis.test"}"#
                : #"{"success": false, "error-codes": ["invalid-input-response"]}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return router
    }

    @Test func the_contact_form_checks_turnstile_and_the_honeypot_then_emails_the_team_and_the_visitor() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let smtp = try await SMTPTestServer()
        let seen = Forms()
        let fake = Application(router: Self.turnstile(seen), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await fake.test(.live) { cloudflare in
            let environment = [
                "CONTACT_EMAIL": "team@optralis.test", "TURNSTILE_SECRET_KEY": "turnstile-secret+1",
                "TURNSTILE_VERIFY_URL": "http://127.0.0.1:\(cloudflare.port!)/turnstile/v0/siteverify",
            ]
            try await APIHarness.run(redisURL: redis.url, environment: environment) { api in
                let form: [String: Any] = [
                    "name": "Jean Dupont", "email": "jean@example.com", "company": "Acme, \"Ops\"", "subject": "demo",
                    "message": "Je souhaite une démonstration.", "language": "fr",
                ]
                let missing = try await api.send(.post, "/api/public/contact", json: form)
                #expect(missing.status == .badRequest && missing.code == "TURNSTILE_REQUIRED", "\(missing.text)")
                let refused = try await api.send(.post, "/api/public/contact", json: form.merging(["turnstile_token": "forged"]) { $1 })
                #expect(refused.status == .badRequest && refused.code == "TURNSTILE_FAILED", "\(refused.text)")
                #expect(refused.text.contains("invalid-input-response"))
                let bot = try await api.send(
                    .post, "/api/public/contact", json: form.merging(["turnstile_token": "good-token", "website": "http://spam"]) { $1 })
                #expect(bot.status == .ok, "a bot is told it worked: \(bot.text)")
                let sent = try await api.send(.post, "/api/public/contact", json: form.merging(["turnstile_token": "good-token"]) { $1 })
                #expect(sent.status == .ok && sent.json["success"] as? Bool == true, "\(sent.text)")
                let invalid = try await api.send(
                    .post, "/api/public/contact", json: ["name": "X", "email": "not-an-email", "message": "Hi", "turnstile_token": "good-token"])
                #expect(invalid.status == .badRequest && invalid.code == "VALIDATION_ERROR")
                let limited = try await api.send(.post, "/api/public/contact", json: form.merging(["turnstile_token": "good-token"]) { $1 })
                #expect(limited.status == .tooManyRequests && limited.code == "RATE_LIMITED", "5 posts a minute per IP: \(limited.text)")
                #expect(limited.headers[.retryAfter] != nil)
                let other = try await api.send(.post, "/api/public/contact", json: ["name": "Y", "email": "y@example.com"], ip: "192.0.2.9")
                #expect(other.code == "VALIDATION_ERROR", "another IP is not limited; a message is required")

                let forms = seen.received.withLock { $0 }
                #expect(forms.count == 2, "Cloudflare asked for the forged and the real token only (honeypot and invalid forms stop before): \(forms)")
                #expect(forms.allSatisfy { $0.contains("secret=turnstile-secret%2B1") && $0.contains("remoteip=") }, "\(forms)")

                // The real notifier delivers what the api queued: one email to the team, one to the visitor.
                let notifier = try ServiceProcess.launch(
                    "optralis-notifier",
                    environment: [
                        "DATABASE_URL": api.database.url.urlString, "REDIS_URL": redis.url, "NOTIFIER_PORT": "0", "LOG_LEVEL": "warning",
                        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": String(smtp.port), "SMTP_SECURITY": "none", "SMTP_FROM": "Optralis <noreply@optralis.test>",
                    ],
                    port: 0)
                let delivered = await eventually(timeout: .seconds(30)) { ((try? smtp.received()) ?? []).count >= 2 }
                try await Task.sleep(for: .seconds(1))
                let mails = try smtp.received()
                #expect(
                    delivered && mails.count == 2,
                    "exactly two emails (the honeypot's sent none): \(mails.map(\.rcptTos))\n\(notifier.child.output.suffix(600))")
                let team = mails.first { $0.rcptTos == ["team@optralis.test"] }
                let visitor = mails.first { $0.rcptTos == ["jean@example.com"] }
                #expect(team?.data.contains("Jean Dupont") == true, "the team's email names the visitor")
                #expect(visitor != nil, "the visitor gets a confirmation")
                // Issue 17, item 5: a fixed text; nothing the visitor typed comes back to the address they typed.
                for typed in ["Jean Dupont", "Je souhaite une d", "Acme"] {
                    #expect(visitor?.data.contains(typed) == false, "the confirmation repeats \(typed)")
                }
                notifier.child.signal(SIGTERM)
                _ = await notifier.child.waitForExit(timeout: .seconds(10))
            }
        }
        await redis.stop()
    }

    @Test func without_contact_email_the_form_says_so_and_without_turnstile_no_token_is_needed() async throws {
        try await APIHarness.run { api in
            let reply = try await api.send(.post, "/api/public/contact", json: ["name": "A", "email": "a@example.com", "message": "Hello"])
            #expect(reply.status == .serviceUnavailable && reply.code == "CONTACT_NOT_CONFIGURED", "\(reply.text)")
        }
        try await APIHarness.run(environment: ["CONTACT_EMAIL": "team@optralis.test"]) { api in
            let reply = try await api.send(.post, "/api/public/contact", json: ["name": "A", "email": "a@example.com", "message": "Hello", "subject": "other"])
            #expect(reply.code == "VALIDATION_ERROR" && reply.text.contains("subject"), "\(reply.text)")
            let queued = try await api.send(.post, "/api/public/contact", json: ["name": "A", "email": "a@example.com", "message": "Hello"])
            #expect(queued.status == .ok, "no TURNSTILE_SECRET_KEY: no token needed: \(queued.text)")
        }
    }

    /// Issue 17, item 5: without Turnstile nothing proves a person filled the form, so in
    /// production the address it names gets no email at all.
    @Test func in_production_without_turnstile_only_the_team_is_emailed() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        for (environment, expected) in [("production", ["contact_notification"]), ("development", ["contact_notification", "contact_confirmation"])] {
            try await APIHarness.run(redisURL: redis.url, environment: ["CONTACT_EMAIL": "team@optralis.test", "OPTRALIS_ENV": environment]) { api in
                let sent = try await api.send(
                    .post, "/api/public/contact", json: ["name": "A", "email": "victim@example.com", "message": "Click http://evil.test"])
                #expect(sent.status == .ok, "\(sent.text)")
                let client = RedisClient(url: try RedisURL(parsing: redis.url), maximumConnections: 1, logger: testLogger)
                let jobs = try await client.command("LRANGE", "email:queue", "0", "-1").array?.compactMap(\.string) ?? []
                _ = try await client.command("DEL", "email:queue")
                await client.shutdown()
                let decoded = jobs.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                #expect(Set(decoded.compactMap { $0["type"] as? String }) == Set(expected), "\(environment): \(jobs)")
                let toVisitor = decoded.filter { $0["email"] as? String == "victim@example.com" }
                #expect(
                    toVisitor.allSatisfy { ($0["data"] as? [String: Any])?.isEmpty ?? true },
                    "the visitor's text never goes to the visitor's address: \(toVisitor)")
            }
        }
        await redis.stop()
    }

    @Test func landing_stats_count_every_client_and_are_cached_sixty_seconds() async throws {
        try await APIHarness.run { api in
            let before = try await api.send(.get, "/api/public/landing-stats")
            #expect(before.status == .ok && before.headers[.cacheControl] == "public, max-age=60", "\(before.headers)")
            let machines = before.json["total_machines"] as? Int ?? -1
            let client = try await api.seedClient()
            try await api.sql("INSERT INTO machines (client_id, hostname, created_at) VALUES (\(client), 'landing-1', now() - interval '10 hours')")
            let cached = try await api.send(.get, "/api/public/landing-stats")
            #expect(cached.json["total_machines"] as? Int == machines, "served from the 60 s cache")
            try await api.sql("DELETE FROM machines WHERE hostname = 'landing-1'")
            try await api.sql("INSERT INTO machines (client_id, hostname, created_at) VALUES (\(client), 'landing-2', now() - interval '10 hours')")
            // Expire the entry as its 60 s would.
            try await RedisProbe.delete(url: try TestEnvironment.variable("OPTRALIS_TEST_REDIS_URL"), key: api.cachePrefix + "landing:stats")
            let fresh = try await api.send(.get, "/api/public/landing-stats")
            #expect(fresh.json["total_machines"] as? Int == machines + 1)
            #expect((fresh.json["total_monitoring_hours"] as? Int ?? 0) >= 10)
            #expect((fresh.json["active_clients"] as? Int ?? 0) >= 1)
        }
    }
}
