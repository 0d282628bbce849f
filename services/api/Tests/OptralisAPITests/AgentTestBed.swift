import Foundation
import OptralisCurl
import OptralisTestSupport
import PostgresNIO
import Testing

/// The api with its agents' mTLS port (server certificate made by the real `optralis-ca`), the
/// ca itself and a Redis of its own; agents are enrolled through the real bootstrap route and
/// talk to the port with curl and their own certificate.
struct AgentTestBed: Sendable {
    let api: APIHarness
    let redisURL: String
    let work: String
    let caDirectory: String
    let serverDirectory: String
    let base: String
    let curl: CurlClient

    /// An enrolled agent: its machine, client and the TLS files it presents.
    struct Agent: Sendable {
        let machineID: UUID
        let clientID: UUID
        let adminToken: String
        let tls: TLSOptions
    }

    static func run(database: TestDatabase? = nil, _ body: @Sendable (AgentTestBed) async throws -> Void) async throws {
        let agentPort = try freePort()
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("mtls-\(UUID().uuidString)").path
        let caDirectory = work + "/ca", serverDirectory = work + "/server"
        let caBinary = TestEnvironment.binaryDirectory.appendingPathComponent("optralis-ca").path
        let made = try await ChildProcess.run(
            caBinary, ["server-cert", "--name", "127.0.0.1", "--name", "localhost", "--out", serverDirectory], environment: ["CA_DIR": caDirectory])
        try #require(made.status == 0, "\(made.output)")
        let redis = try RedisServerProcess()
        try await redis.start()
        do {
            try await APIHarness.runWithCA(
                caDirectory: caDirectory, redisURL: redis.url, database: database,
                environment: [
                    "AGENT_TLS_PORT": String(agentPort),
                    "AGENT_TLS_CERT_FILE": serverDirectory + "/server.crt", "AGENT_TLS_KEY_FILE": serverDirectory + "/server.key",
                    "AGENT_TLS_CA_FILE": serverDirectory + "/ca.crt", "AGENT_PUBLIC_URL": "https://127.0.0.1:\(agentPort)",
                ]
            ) { api, _ in
                let curl = CurlClient(concurrency: 16)
                let bed = AgentTestBed(
                    api: api, redisURL: redis.url, work: work, caDirectory: caDirectory, serverDirectory: serverDirectory,
                    base: "https://127.0.0.1:\(agentPort)", curl: curl)
                do { try await body(bed) } catch {
                    await curl.shutdown()
                    throw error
                }
                await curl.shutdown()
            }
        } catch {
            await redis.stop()
            throw error
        }
        await redis.stop()
    }

    /// An install token and a bootstrap for `hostname`, in the client of `neighbour` or in a new
    /// client with a new admin.
    func enrol(hostname: String = "agent-\(UUID().uuidString.prefix(6))", beside neighbour: Agent? = nil) async throws -> Agent {
        let clientID: UUID, admin: String
        if let neighbour {
            (clientID, admin) = (neighbour.clientID, neighbour.adminToken)
        } else {
            clientID = try await api.seedClient()
            admin = try await api.login(try await api.seedUser(client: clientID, role: "admin").email).access
        }
        let created = try await api.send(.post, "/api/install-tokens", token: admin, json: [:])
        let token = try #require((created.json["token"] as? [String: Any])?["token"] as? String, "\(created.text)")
        let enrolled = try await api.send(.post, "/api/public/bootstrap", json: ["token": token, "arch": "amd64", "hostname": hostname])
        try #require(enrolled.status == .ok, "\(enrolled.text)")
        let machine = try #require(enrolled.string("machine_id").flatMap(UUID.init(uuidString:)))
        let certificate = "\(work)/\(machine).crt", key = "\(work)/\(machine).key"
        try enrolled.string("certificate")!.write(toFile: certificate, atomically: true, encoding: .utf8)
        try enrolled.string("private_key")!.write(toFile: key, atomically: true, encoding: .utf8)
        return Agent(
            machineID: machine, clientID: clientID, adminToken: admin,
            tls: TLSOptions(caFile: serverDirectory + "/ca.crt", clientCertificateFile: certificate, clientKeyFile: key))
    }

    /// An install token of a new client, as its admin creates it.
    func installToken() async throws -> String {
        let client = try await api.seedClient()
        let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
        let created = try await api.send(.post, "/api/install-tokens", token: admin, json: [:])
        return try #require((created.json["token"] as? [String: Any])?["token"] as? String, "\(created.text)")
    }

    func get(_ path: String, as agent: Agent) async throws -> OutboundResponse {
        try await curl.send(OutboundRequest(url: base + path, tls: agent.tls))
    }

    func post(_ path: String, as agent: Agent, body: String? = nil) async throws -> OutboundResponse {
        try await curl.send(
            OutboundRequest(
                method: .post, url: base + path, headers: [("Content-Type", "application/json")], body: body.map { Array($0.utf8) }, tls: agent.tls))
    }

    /// The environment of an api process of its own on this bed's database, Redis and server
    /// certificate (`ServiceProcess.launch`), beside the bed's api: `/metrics` that count only one
    /// test's connections, or a start of its own.
    func gatewayEnvironment(gatewayPort: Int, healthPort: Int, _ extra: [String: String] = [:]) -> [String: String] {
        [
            "DATABASE_URL": api.database.url.urlString, "REDIS_URL": redisURL, "PORT": String(healthPort), "LOG_LEVEL": "warning",
            "JWT_SECRET": String(repeating: "j", count: 40), "DATABASE_CREDENTIALS_KEY": String(repeating: "5e", count: 32),
            "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 40),
            "AGENT_TLS_PORT": String(gatewayPort), "AGENT_TLS_CERT_FILE": serverDirectory + "/server.crt",
            "AGENT_TLS_KEY_FILE": serverDirectory + "/server.key", "AGENT_TLS_CA_FILE": serverDirectory + "/ca.crt",
        ].merging(extra) { _, new in new }
    }

    /// The first column of the first row of `query`, as an integer.
    func count(_ query: PostgresQuery) async throws -> Int {
        try await api.database.withClient { db in
            try await db.query(query, logger: testLogger).decode(Int.self).reduce(into: [Int]()) { $0.append($1) }.first ?? 0
        }
    }
}

extension OutboundResponse {
    var bodyJSON: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
}
