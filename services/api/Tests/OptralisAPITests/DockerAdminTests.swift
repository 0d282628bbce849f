import Foundation
import Hummingbird
import OptralisTestSupport
import Synchronization
import Testing

/// A stand-in for the Docker Engine on a real unix socket: the Engine API's paths under the
/// `/v1.44` prefix, answered in its JSON (PascalCase containers, snake_case stats, error
/// `{"message"}`), logs as multiplexed frames (no TTY) or raw (TTY). It records every call.
final class DockerEngineDouble: Sendable {
    let calls = Mutex<[String]>([])
    static let apiID = String(repeating: "a1", count: 32)

    var seen: [String] { calls.withLock { $0 } }

    /// One multiplexed frame: stream, three zero bytes, big-endian length, payload.
    static func frame(_ stream: UInt8, _ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let size = UInt32(payload.count)
        return [stream, 0, 0, 0, UInt8(size >> 24), UInt8(size >> 16 & 0xff), UInt8(size >> 8 & 0xff), UInt8(size & 0xff)] + payload
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func noSuch(_ id: String) -> Response { json(#"{"message":"No such container: \#(id)"}"#, status: .notFound) }

    static func inspected(_ id: String, tty: Bool) -> String {
        #"""
        {"Id":"\#(id == "optralis-api" ? apiID : id)","Created":"2026-01-02T03:04:05.123456789Z","Path":"/app/optralis-api","Args":["serve"],
         "State":{"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,"Pid":4242,"ExitCode":0,
                  "Error":"","StartedAt":"2026-01-02T03:04:06Z","FinishedAt":"0001-01-01T00:00:00Z","Health":{"Status":"healthy","FailingStreak":0,"Log":[]}},
         "Image":"sha256:0123","Name":"/\#(id)","RestartCount":2,"Platform":"linux","Driver":"overlay2",
         "Config":{"Hostname":"abc123","User":"app","Tty":\#(tty),"Env":["JWT_SECRET=super-secret-value","PATH=/usr/bin"],"Cmd":["serve"],
                   "Image":"optralis/api:1.2.3","WorkingDir":"/app","Entrypoint":null,"Labels":{"com.docker.compose.service":"api"}},
         "HostConfig":{"NetworkMode":"optralis_default","RestartPolicy":{"Name":"unless-stopped","MaximumRetryCount":0},"Memory":536870912,"NanoCpus":1000000000},
         "NetworkSettings":{"Networks":{"optralis_default":{"IPAddress":"172.18.0.5","Gateway":"172.18.0.1","MacAddress":"02:42:ac:12:00:05"}}},
         "Mounts":[{"Type":"volume","Name":"pgdata","Source":"/var/lib/docker/volumes/pgdata/_data","Destination":"/data","Driver":"local","Mode":"z","RW":true}]}
        """#
    }

    static let listed = #"""
        [{"Id":"\#(apiID)","Names":["/optralis-api"],"Image":"optralis/api:1.2.3","ImageID":"sha256:0123","Command":"/app/optralis-api serve",
          "Created":1767322645,"Ports":[{"IP":"0.0.0.0","PrivatePort":3000,"PublicPort":3000,"Type":"tcp"}],
          "Labels":{"com.docker.compose.project":"optralis","com.docker.compose.service":"api"},"State":"running","Status":"Up 2 hours (healthy)",
          "HostConfig":{"NetworkMode":"optralis_default"},"NetworkSettings":{"Networks":{}},"Mounts":[]},
         {"Id":"b2b2","Names":["/tty-box"],"Image":"alpine","Created":1767322000,"Ports":[],"Labels":{},"State":"exited","Status":"Exited (0) 3 minutes ago"}]
        """#

    static let stats = #"""
        {"read":"2026-01-02T05:00:01.5Z","preread":"2026-01-02T05:00:00.5Z","id":"\#(apiID)","name":"/optralis-api",
         "pids_stats":{"current":12},
         "networks":{"eth0":{"rx_bytes":1000,"tx_bytes":400,"rx_packets":10},"eth1":{"rx_bytes":24,"tx_bytes":6}},
         "memory_stats":{"usage":104857600,"limit":536870912,"stats":{"inactive_file":4857600,"anon":90000000}},
         "blkio_stats":{"io_service_bytes_recursive":[{"major":8,"minor":0,"op":"read","value":4096},{"major":8,"minor":0,"op":"write","value":8192}]},
         "cpu_stats":{"cpu_usage":{"total_usage":300000000,"usage_in_kernelmode":1,"usage_in_usermode":2},"system_cpu_usage":2000000000,"online_cpus":2},
         "precpu_stats":{"cpu_usage":{"total_usage":200000000},"system_cpu_usage":1000000000,"online_cpus":2}}
        """#

    var router: Router<BasicRequestContext> {
        let router = Router()
        let known = ["optralis-api", Self.apiID, "tty-box", "already"]
        router.add(middleware: Recorder(engine: self))
        router.get("/v1.44/containers/json") { _, _ in Self.json(Self.listed) }
        router.get("/v1.44/containers/:id/json") { _, context -> Response in
            let id = try context.parameters.require("id")
            return known.contains(id) ? Self.json(Self.inspected(id, tty: id == "tty-box")) : Self.noSuch(id)
        }
        router.get("/v1.44/containers/:id/logs") { _, context -> Response in
            let id = try context.parameters.require("id")
            let bytes: [UInt8] =
                id == "tty-box"
                ? Array("line one\r\nline two\r\n".utf8)
                : Self.frame(1, "hello\n") + Self.frame(2, "warn: disk 91%\n") + Self.frame(1, "part one ") + Self.frame(1, "continues\nnext")
                    + Self.frame(1, " ends\n") + Self.frame(2, "no newline at end")
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        router.get("/v1.44/containers/:id/stats") { _, _ in Self.json(Self.stats) }
        for action in ["start", "stop", "restart"] {
            router.post("/v1.44/containers/:id/\(action)") { _, context -> Response in
                let id = try context.parameters.require("id")
                if id == "already" { return Response(status: .notModified) }
                return known.contains(id) ? Response(status: .noContent) : Self.noSuch(id)
            }
        }
        return router
    }

    /// Records `METHOD /path?query` of every request.
    struct Recorder: RouterMiddleware {
        let engine: DockerEngineDouble
        func handle(_ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response) async throws -> Response {
            engine.calls.withLock { $0.append("\(request.method) \(request.uri)") }
            return try await next(request, context)
        }
    }
}

@Suite("Docker administration (super_admin) through the engine's unix socket")
struct DockerAdminTests {
    func withEngine(_ body: @Sendable (DockerEngineDouble, APIHarness, String, UUID) async throws -> Void) async throws {
        let engine = DockerEngineDouble()
        try await withUnixSocketServer(engine.router) { socket in
            try await APIHarness.run(environment: ["DOCKER_SOCKET": socket]) { api in
                let root = try await api.seedUser(client: nil, role: "super_admin")
                try await body(engine, api, try await api.login(root.email).access, root.id)
            }
        }
    }

    @Test func list_inspect_logs_and_stats_read_the_engine_in_its_json() async throws {
        try await withEngine { engine, api, token, _ in
            let list = try await api.send(.get, "/api/admin/docker/containers", token: token)
            try #require(list.status == .ok, "\(list.text)")
            let containers = try #require(list.json["containers"] as? [[String: Any]])
            #expect(list.json["total"] as? Int == 2 && containers.count == 2)
            #expect(containers[0]["name"] as? String == "optralis-api" && containers[0]["state"] as? String == "running")
            #expect(containers[0]["compose_service"] as? String == "api" && containers[0]["created"] as? String == "2026-01-02T02:57:25Z")
            #expect((containers[0]["ports"] as? [[String: Any]])?.first?["public_port"] as? Int == 3000)
            #expect(containers[1]["state"] as? String == "exited")
            #expect(try await api.send(.get, "/api/admin/docker/containers?all=false", token: token).status == .ok)

            let details = try await api.send(.get, "/api/admin/docker/containers/optralis-api", token: token)
            try #require(details.status == .ok, "\(details.text)")
            #expect(details.json["id"] as? String == DockerEngineDouble.apiID && details.json["name"] as? String == "optralis-api")
            #expect(details.json["image"] as? String == "optralis/api:1.2.3" && details.json["restart_policy"] as? String == "unless-stopped")
            #expect((details.json["state"] as? [String: Any])?["health"] as? String == "healthy")
            #expect((details.json["networks"] as? [[String: Any]])?.first?["ip_address"] as? String == "172.18.0.5")
            #expect(details.json["command"] as? [String] == ["/app/optralis-api", "serve"])
            #expect(!details.text.contains("super-secret-value") && !details.text.contains("JWT_SECRET"), "the environment is never returned")

            let logs = try await api.send(
                .get, "/api/admin/docker/containers/optralis-api/logs?tail=50&timestamps=true&since=2026-01-01T00:00:00Z", token: token)
            try #require(logs.status == .ok, "\(logs.text)")
            let lines = (logs.json["lines"] as? [[String: String]] ?? []).map { "\($0["stream"] ?? "")|\($0["text"] ?? "")" }
            #expect(
                lines == ["stdout|hello", "stderr|warn: disk 91%", "stdout|part one continues", "stdout|next ends", "stderr|no newline at end"], "\(lines)")
            #expect(logs.json["truncated"] as? Bool == false)
            let tty = try await api.send(.get, "/api/admin/docker/containers/tty-box/logs", token: token)
            #expect((tty.json["lines"] as? [[String: String]])?.map { $0["text"] ?? "" } == ["line one", "line two"], "\(tty.text)")

            let stats = try await api.send(.get, "/api/admin/docker/containers/optralis-api/stats", token: token)
            try #require(stats.status == .ok, "\(stats.text)")
            #expect(stats.json["cpu_percent"] as? Double == 20, "100 ms of 1 s of host CPU time, 2 CPUs: \(stats.text)")
            #expect(stats.json["memory_usage"] as? Int == 100_000_000 && stats.json["memory_percent"] as? Double == 18.63)
            #expect(stats.json["network_rx_bytes"] as? Int == 1024 && stats.json["network_tx_bytes"] as? Int == 406)
            #expect(stats.json["block_read_bytes"] as? Int == 4096 && stats.json["block_write_bytes"] as? Int == 8192 && stats.json["pids"] as? Int == 12)

            #expect(
                engine.seen.contains("GET /v1.44/containers/json?all=true") && engine.seen.contains("GET /v1.44/containers/json?all=false"), "\(engine.seen)")
            #expect(engine.seen.contains("GET /v1.44/containers/optralis-api/logs?stdout=1&stderr=1&tail=50&timestamps=1&since=1767225600"), "\(engine.seen)")
            #expect(engine.seen.contains("GET /v1.44/containers/optralis-api/stats?stream=false"), "\(engine.seen)")

            let missing = try await api.send(.get, "/api/admin/docker/containers/ghost", token: token)
            #expect(
                missing.status == .notFound && missing.code == "DOCKER_CONTAINER_NOT_FOUND" && missing.string("error")?.contains("ghost") == true,
                "\(missing.text)")
        }
    }

    @Test func start_stop_and_restart_reach_the_engine_and_are_recorded_with_the_super_admin() async throws {
        try await withEngine { engine, api, token, rootID in
            let started = try await api.send(.post, "/api/admin/docker/containers/optralis-api/start", token: token)
            #expect(started.status == .ok && started.json["changed"] as? Bool == true && started.json["action"] as? String == "start", "\(started.text)")
            #expect(try await api.send(.post, "/api/admin/docker/containers/optralis-api/stop?t=3", token: token).status == .ok)
            #expect(try await api.send(.post, "/api/admin/docker/containers/optralis-api/restart", token: token).status == .ok)
            let already = try await api.send(.post, "/api/admin/docker/containers/already/stop", token: token)
            #expect(already.status == .ok && already.json["changed"] as? Bool == false, "304: already stopped")
            #expect(try await api.send(.post, "/api/admin/docker/containers/ghost/restart", token: token).code == "DOCKER_CONTAINER_NOT_FOUND")
            let posts = engine.seen.filter { $0.hasPrefix("POST") }
            #expect(
                posts == [
                    "POST /v1.44/containers/optralis-api/start", "POST /v1.44/containers/optralis-api/stop?t=3",
                    "POST /v1.44/containers/optralis-api/restart?t=10", "POST /v1.44/containers/already/stop?t=10", "POST /v1.44/containers/ghost/restart?t=10",
                ], "\(posts)")

            let log = try await api.send(.get, "/api/admin/activity?category=system&limit=50", token: token)
            let entries = (log.json["logs"] as? [[String: Any]] ?? []).filter { ($0["metadata"] as? [String: String])?["container"] != nil }
            #expect(entries.count == 4, "\(log.text)")
            #expect(
                Set(entries.compactMap { $0["message"] as? String }) == ["Conteneur Docker démarré", "Conteneur Docker arrêté", "Conteneur Docker redémarré"])
            #expect(entries.allSatisfy { ($0["user_id"] as? String)?.lowercased() == rootID.uuidString.lowercased() }, "\(entries)")
        }
    }

    @Test func only_a_super_admin_without_impersonation_gets_in() async throws {
        try await withEngine { engine, api, token, _ in
            let clientID = try await api.seedClient()
            let admin = try await api.seedUser(client: clientID, role: "admin")
            let adminToken = try await api.login(admin.email).access
            let impersonation = try await api.send(.post, "/api/admin/impersonate/\(clientID)", token: token)
            let impersonationToken = try #require(impersonation.string("access_token"), "\(impersonation.text)")
            for candidate in [adminToken, impersonationToken] {
                #expect(try await api.send(.get, "/api/admin/docker/containers", token: candidate).status == .forbidden)
                #expect(try await api.send(.post, "/api/admin/docker/containers/optralis-api/stop", token: candidate).status == .forbidden)
            }
            #expect(try await api.send(.get, "/api/admin/docker/containers").status == .unauthorized)
            #expect(engine.seen.isEmpty, "\(engine.seen)")
        }
    }

    @Test func bad_input_is_a_400_that_never_reaches_the_engine() async throws {
        try await withEngine { engine, api, token, _ in
            let bad = [
                "/api/admin/docker/containers?all=maybe", "/api/admin/docker/containers/-api", "/api/admin/docker/containers/a%2Fb",
                "/api/admin/docker/containers/..", "/api/admin/docker/containers/\(String(repeating: "a", count: 129))/stats",
                "/api/admin/docker/containers/api/logs?tail=0", "/api/admin/docker/containers/api/logs?tail=5001",
                "/api/admin/docker/containers/api/logs?tail=99999999999999999999", "/api/admin/docker/containers/api/logs?since=yesterday",
                "/api/admin/docker/containers/api/logs?since=-1", "/api/admin/docker/containers/api/logs?stdout=false&stderr=false",
                "/api/admin/docker/containers/api/logs?timestamps=yes", "/api/admin/docker/containers/caf%C3%A9/logs",
            ]
            for path in bad {
                let reply = try await api.send(.get, path, token: token)
                #expect(
                    reply.status == .badRequest && reply.code == "VALIDATION_ERROR" && reply.string("error") != nil, "\(path): \(reply.status) \(reply.text)")
            }
            for path in [
                "/api/admin/docker/containers/api/stop?t=121", "/api/admin/docker/containers/api/restart?t=-1", "/api/admin/docker/containers/a+b/start",
            ] {
                let reply = try await api.send(.post, path, token: token)
                #expect(reply.status == .badRequest && reply.code == "VALIDATION_ERROR", "\(path): \(reply.status) \(reply.text)")
            }
            #expect(engine.seen.isEmpty, "\(engine.seen)")
        }
    }

    @Test func without_a_socket_the_routes_say_so_and_an_unreachable_engine_is_a_503() async throws {
        try await APIHarness.run { api in
            let root = try await api.seedUser(client: nil, role: "super_admin")
            let token = try await api.login(root.email).access
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/admin/docker/containers"), (.get, "/api/admin/docker/containers/api/logs"),
                (.post, "/api/admin/docker/containers/api/start"),
            ] {
                let reply = try await api.send(method, path, token: token)
                #expect(
                    reply.status == .notFound && reply.code == "DOCKER_NOT_CONFIGURED" && reply.string("error")?.contains("DOCKER_SOCKET") == true,
                    "\(reply.text)")
            }
        }
        try await APIHarness.run(environment: ["DOCKER_SOCKET": "/nonexistent/optralis-\(UUID().uuidString.prefix(6))/docker.sock"]) { api in
            let root = try await api.seedUser(client: nil, role: "super_admin")
            let token = try await api.login(root.email).access
            let reply = try await api.send(.get, "/api/admin/docker/containers", token: token)
            #expect(reply.status == .serviceUnavailable && reply.code == "DOCKER_UNAVAILABLE", "\(reply.text)")
            let action = try await api.send(.post, "/api/admin/docker/containers/api/restart", token: token)
            #expect(action.status == .serviceUnavailable && action.code == "DOCKER_UNAVAILABLE", "\(action.text)")
        }
    }
}
