import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import Logging
import NIOCore
import OptralisCurl
import OptralisTestSupport
import PostgresNIO
import Synchronization
import Testing

@testable import OptralisWeb

/// The dashboard against the real api (the `optralis-api` binary on a database of its own) and
/// the test Redis: the web service in process, driven over HTTP with a cookie jar.
struct WebHarness: Sendable {
    let database: TestDatabase
    let client: any TestClientProtocol
    /// Every request of this harness comes from this address (`X-Real-IP`, as Caddy sets it), so
    /// the api's per-address limits count this test alone.
    let ip = "10.\(Int.random(in: 0...255)).\(Int.random(in: 0...255)).\(Int.random(in: 1...254))"
    static let password = "Correct-Horse-9!"
    static let passwordHash = Bcrypt.hash(password, cost: 8)

    /// `claude`: the address of a Messages API double (``ClaudeDouble``); given, the real
    /// `optralis-ai` runs too, on the same database, behind the api (`AI_SERVICE_URL`), and
    /// writes its narratives with that double. Without it the api has no AI service to reach.
    /// `redisURL`: a Redis of the test's own (a notifier it starts then consumes only this test's
    /// queue); the shared test Redis otherwise. `withCA`: the real `optralis-ca` beside the api, on
    /// its database (the installers carry the agents' CA certificate, which the api asks it for).
    /// `apiEnvironment`: more of the api's settings (its downloads directory, the feeds or the ca
    /// it calls).
    static func run(
        claude: String? = nil, redisURL: String? = nil, withCA: Bool = false, apiEnvironment: [String: String] = [:],
        _ body: @Sendable (WebHarness) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.create()
        let apiPort = try freePort()
        var environment = try ServiceLifecycleCheck.serverEnvironment(database: database).merging(apiEnvironment) { $1 }
        if let redisURL { environment["REDIS_URL"] = redisURL }
        var ca: ServiceProcess?
        if withCA {
            let caPort = try freePort()
            let caToken = String(repeating: "c", count: 40)
            ca = try ServiceProcess.launch(
                "optralis-ca",
                environment: [
                    "DATABASE_URL": database.url.urlString, "CA_SERVICE_TOKEN": caToken, "CA_PORT": String(caPort), "LOG_LEVEL": "warning",
                    "CA_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("web-ca-\(UUID().uuidString)").path,
                ], port: caPort)
            environment["CA_SERVICE_URL"] = "http://127.0.0.1:\(caPort)"
            environment["CA_SERVICE_TOKEN"] = caToken
        }
        var ai: ServiceProcess?
        if let claude {
            let aiPort = try freePort()
            var aiEnvironment = environment
            aiEnvironment.merge([
                "AI_PORT": String(aiPort), "LOG_LEVEL": "warning", "ANTHROPIC_API_KEY": ClaudeDouble.apiKey, "ANTHROPIC_BASE_URL": claude,
                // Suites share one Redis: no reply another test's double gave may answer for this one.
                "AI_CACHE_TTL_MINUTES": "0",
            ]) { _, new in new }
            ai = try ServiceProcess.launch("optralis-ai", environment: aiEnvironment, port: aiPort)
            environment["AI_SERVICE_URL"] = "http://127.0.0.1:\(aiPort)"
        }
        environment["PORT"] = String(apiPort)
        environment["BIND_ADDRESS"] = "127.0.0.1"
        environment["LOG_LEVEL"] = "warning"
        environment["OPTRALIS_MIGRATIONS_DIR"] = TestEnvironment.migrationsDirectory
        environment["TRUST_PROXY_HEADERS"] = "true"
        environment["CACHE_KEY_PREFIX"] = "w\(UUID().uuidString.prefix(8).lowercased()):"
        let api = try ServiceProcess.launch("optralis-api", environment: environment, port: apiPort)
        let curl = CurlClient(concurrency: 1)
        let serving = await api.waitUntilServing(client: curl)
        let aiServing = await ai?.waitUntilServing(client: curl)
        let caServing = await ca?.waitUntilServing(client: curl)
        await curl.shutdown()
        func stop() async {
            for process in [api, ai, ca].compactMap({ $0 }) {
                process.child.signal(SIGTERM)
                _ = await process.child.waitForExit(timeout: .seconds(10))
            }
            try? await database.drop()
        }
        guard serving != nil else {
            await stop()
            Issue.record("optralis-api did not start: \(api.child.output.suffix(800))")
            return
        }
        if let ai, aiServing == nil {
            await stop()
            Issue.record("optralis-ai did not start: \(ai.child.output.suffix(800))")
            return
        }
        if let ca, caServing == nil {
            await stop()
            Issue.record("optralis-ca did not start: \(ca.child.output.suffix(800))")
            return
        }
        do {
            let configuration = try WebConfiguration(environment: [
                "API_SERVICE_URL": "http://127.0.0.1:\(apiPort)", "REDIS_URL": try redisURL ?? TestEnvironment.variable("OPTRALIS_TEST_REDIS_URL"),
                "WEB_PORT": "0", "BIND_ADDRESS": "127.0.0.1", "TRUST_PROXY_HEADERS": "true",
            ])
            var logger = Logger(label: "web-test")
            logger.logLevel = .critical
            let app = try await WebServer(configuration: configuration, logger: logger).makeApplication()
            try await app.test(.live) { client in
                try await body(WebHarness(database: database, client: client))
            }
        } catch {
            await stop()
            throw error
        }
        await stop()
    }

    func seedClient(_ name: String = "Acme \(UUID().uuidString.prefix(4))") async throws -> UUID {
        try await database.withClient { try await Seed.client($0, name: name) }
    }

    /// `client` nil: a super_admin, who belongs to no client.
    func seedUser(client: UUID?, role: String = "admin") async throws -> String {
        try await database.withClient {
            try await Seed.user($0, client: client, role: role, passwordHash: Self.passwordHash, language: "en", firstName: "Ada", lastName: "Lovelace")
        }.email
    }

    func sql(_ query: PostgresQuery) async throws {
        try await database.withClient { db in _ = try await db.query(query, logger: testLogger) }
    }

    /// The first column of the first row, as text (cast in the query); nil without a row.
    func sqlString(_ query: PostgresQuery) async throws -> String? {
        try await database.withClient { db in
            for try await value in try await db.query(query, logger: testLogger).decode(String?.self) { return value }
            return nil
        }
    }

    // MARK: HTTP

    struct Page: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let text: String
        /// The body's bytes, for a download that is not text (a PDF).
        var bytes: [UInt8] = []
        var location: String? { headers[.location] }
        func cookie(_ name: String) -> String? { headers[values: .setCookie].first { $0.hasPrefix("\(name)=") } }
        func cookieValue(_ name: String) -> String? { cookie(name).map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) } }
        /// The value of a hidden input.
        func field(_ name: String) -> String? {
            text.firstMatch(of: try! Regex("name=\"\(name)\" value=\"([^\"]*)\"")).flatMap { $0.output[1].substring.map(String.init) }
        }
    }

    /// A browser's cookies: kept across requests, sent back on each.
    final class Browser: Sendable {
        private let jar = Mutex<[String: String]>([:])

        var header: String { jar.withLock { cookies in cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") } }
        func set(_ name: String, _ value: String) {
            jar.withLock { $0[name] = value }
        }

        func take(_ page: Page) {
            jar.withLock { cookies in
                for line in page.headers[values: .setCookie] {
                    let pair = line.prefix { $0 != ";" }
                    guard let equals = pair.firstIndex(of: "=") else { continue }
                    let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
                    if value.isEmpty || line.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
                }
            }
        }
    }

    @discardableResult
    func get(_ path: String, as browser: Browser? = nil) async throws -> Page {
        try await send(.get, path, form: nil, browser: browser)
    }

    @discardableResult
    func post(_ path: String, form: [String: String], as browser: Browser? = nil) async throws -> Page {
        try await send(.post, path, form: form.map { ($0.key, $0.value) }, browser: browser)
    }

    /// A form with repeated fields (ticked checkboxes), in order.
    @discardableResult
    func post(_ path: String, fields: [(String, String)], as browser: Browser? = nil) async throws -> Page {
        try await send(.post, path, form: fields, browser: browser)
    }

    private func send(_ method: HTTPRequest.Method, _ path: String, form: [(String, String)]?, browser: Browser?) async throws -> Page {
        var headers: HTTPFields = [HTTPField.Name("X-Real-IP")!: ip]
        if let browser, !browser.header.isEmpty { headers[.cookie] = browser.header }
        var body: ByteBuffer?
        if let form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            var components = URLComponents()
            components.queryItems = form.map { URLQueryItem(name: $0.0, value: $0.1) }
            body = ByteBuffer(string: components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B") ?? "")
        }
        let page = try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            Page(status: response.status, headers: response.headers, text: String(buffer: response.body), bytes: Array(response.body.readableBytesView))
        }
        browser?.take(page)
        return page
    }

    /// Logs in through the form, as a browser does.
    func logIn(_ email: String, password: String = WebHarness.password, as browser: Browser) async throws -> Page {
        let form = try await get("/login", as: browser)
        let token = try #require(form.field("_csrf"), "\(form.text)")
        let page = try await post("/login", form: ["_csrf": token, "email": email, "password": password, "next": "/"], as: browser)
        if page.location != "/" {
            // Said here: the callers' expectations only show the location they did not get.
            let alert = page.text.firstMatch(of: /role="alert">([^<]*)</).map { String($0.1) } ?? "no alert"
            testLogger.warning("login of \(email) answered \(page.status.code), location \(page.location ?? "none"): \(alert)")
        }
        return page
    }
}
