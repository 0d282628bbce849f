import HTTPTypes
import OptralisTestSupport
import Testing

@Suite("Hardening: security headers, CORS allow-list, body limit")
struct HardeningTests {
    @Test func every_response_carries_the_security_headers() async throws {
        try await APIHarness.run { api in
            for path in ["/health", "/api/me", "/nowhere"] {
                let reply = try await api.send(.get, path)
                #expect(reply.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(path)")
                #expect(reply.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(reply.headers[HTTPField.Name("X-XSS-Protection")!] == "1; mode=block", "\(path)")
                #expect(reply.headers[.strictTransportSecurity] == nil, "HSTS only in production")
            }
        }
    }

    @Test func cors_answers_only_the_allowed_origins() async throws {
        try await APIHarness.run(environment: ["CORS_ALLOWED_ORIGINS": "https://app.example.com, https://admin.example.com"]) { api in
            let preflight = try await api.send(.options, "/auth/login", headers: [.origin: "https://app.example.com", .accessControlRequestMethod: "POST"])
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://app.example.com")
            #expect(preflight.headers[.accessControlAllowCredentials] == "true")
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("X-CSRF-Token") == true)
            let allowed = try await api.send(.get, "/health", headers: [.origin: "https://admin.example.com"])
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://admin.example.com")
            let refused = try await api.send(.get, "/health", headers: [.origin: "https://evil.example.com"])
            #expect(refused.headers[.accessControlAllowOrigin] == nil)
        }
    }

    /// Issue 17, item 10: development without a list used to echo any origin, with credentials.
    @Test func cors_in_development_without_a_list_allows_only_this_machines_origins() async throws {
        try await APIHarness.run { api in
            for origin in ["http://localhost:3001", "http://127.0.0.1:8080", "https://localhost", "http://[::1]:3001"] {
                let reply = try await api.send(.get, "/health", headers: [.origin: origin])
                #expect(reply.headers[.accessControlAllowOrigin] == origin, "\(origin)")
            }
            for origin in ["https://evil.example.com", "http://localhost.evil.example", "http://127.0.0.1.nip.io", "null", "file://"] {
                let reply = try await api.send(.get, "/health", headers: [.origin: origin])
                #expect(reply.headers[.accessControlAllowOrigin] == nil, "\(origin)")
                #expect(reply.headers[.accessControlAllowCredentials] == nil, "\(origin)")
            }
        }
    }

    @Test func a_body_over_10_mb_is_413_in_the_error_shape() async throws {
        try await APIHarness.run { api in
            let huge = String(repeating: "x", count: 11 * 1024 * 1024)
            let reply = try await api.send(.post, "/auth/login", json: ["email": "a@b.test", "password": huge])
            #expect(reply.status == .contentTooLarge)
            #expect(reply.code == "PAYLOAD_TOO_LARGE")
        }
    }
}
