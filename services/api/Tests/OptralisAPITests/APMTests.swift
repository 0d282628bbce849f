import Foundation
import HTTPTypes
import NIOCore
import OptralisCurl
import OptralisTestSupport
import Testing

/// APM (Pro+): the licence tiers, CRUD within the tenant, the ingest key shown once, OTLP/HTTP
/// traces in protobuf (the real OpenTelemetry SDK, scripts/tests/otlp_send.py) and JSON, the
/// trace routes, and OTLP metrics (Enterprise).
@Suite("APM")
struct APMTests {
    func tenant(_ api: APIHarness, _ licence: String) async throws -> (client: UUID, admin: String, machine: UUID) {
        let client = try await api.seedClient()
        try await api.sql("UPDATE clients SET license_type = \(licence) WHERE id = \(client)")
        let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
        return (client, admin, try await api.seedMachine(client: client, hostname: "web-\(licence)"))
    }

    func lower(_ id: UUID) -> String { id.uuidString.lowercased() }

    func create(_ api: APIHarness, _ token: String, machine: UUID, name: String = "Shop") async throws -> APIHarness.Reply {
        try await api.send(
            .post, "/api/apm/applications", token: token, json: ["name": name, "machine_id": lower(machine), "url": "https://shop.example.test/health"])
    }

    /// A raw OTLP post.
    func otlp(
        _ api: APIHarness, _ path: String, key: String?, type: String, body: [UInt8], header: HTTPField.Name = .authorization, encoding: String? = nil
    ) async throws -> APIHarness.Reply {
        var headers: HTTPFields = [.contentType: type]
        if let encoding { headers[.contentEncoding] = encoding }
        if let key { headers[header] = header == .authorization ? "Bearer \(key)" : key }
        return try await api.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            APIHarness.Reply(status: response.status, headers: response.headers, body: response.body)
        }
    }

    @Test func apm_needs_pro_and_its_tiers_limit_applications_traces_and_metrics() async throws {
        try await APIHarness.run { api in
            let (_, essentials, machine) = try await tenant(api, "essentials")
            for (method, path) in [(HTTPRequest.Method.get, "/api/apm/applications"), (.get, "/api/apm/applications/\(lower(UUID()))/metrics")] {
                let reply = try await api.send(method, path, token: essentials)
                #expect(
                    reply.status == .forbidden && reply.code == "PREMIUM_REQUIRED" && reply.string("error")?.contains("Pro") == true, "\(path): \(reply.text)")
            }
            #expect(try await create(api, essentials, machine: machine).code == "PREMIUM_REQUIRED")

            let (_, pro, proMachine) = try await tenant(api, "pro")
            let first = try await create(api, pro, machine: proMachine)
            #expect(first.status == .created, "\(first.text)")
            let second = try await create(api, pro, machine: proMachine, name: "Second")
            #expect(second.status == .forbidden && second.code == "APM_APPLICATION_LIMIT", "Pro monitors one application: \(second.text)")
            let list = try await api.send(.get, "/api/apm/applications", token: pro)
            #expect(list.json["limit"] as? Int == 1 && list.json["traces"] as? Bool == false)
            let id = try #require(first.string("id"))
            #expect(try await api.send(.get, "/api/apm/applications/\(id)/traces", token: pro).code == "PREMIUM_REQUIRED", "traces are Business+")
            let key = try #require(first.string("ingest_key"))
            let refused = try await otlp(api, "/v1/traces", key: key, type: "application/json", body: Array("{}".utf8))
            #expect(
                refused.status == .forbidden && refused.code == "PREMIUM_REQUIRED" && refused.string("error")?.contains("Business") == true, "\(refused.text)")

            let (_, business, businessMachine) = try await tenant(api, "business")
            for index in 0..<3 { #expect(try await create(api, business, machine: businessMachine, name: "App \(index)").status == .created) }
            let businessList = try await api.send(.get, "/api/apm/applications", token: business)
            #expect(
                businessList.json["limit"] as? Int == 20 && businessList.json["traces"] as? Bool == true
                    && businessList.json["custom_metrics"] as? Bool == false)
            let businessKey = try #require(try await create(api, business, machine: businessMachine, name: "Metrics").string("ingest_key"))
            #expect(
                try await otlp(api, "/v1/metrics", key: businessKey, type: "application/json", body: Array("{}".utf8)).code == "PREMIUM_REQUIRED",
                "custom metrics are Enterprise")
        }
    }

    @Test func applications_are_managed_within_the_tenant_and_the_key_is_shown_once() async throws {
        try await APIHarness.run { api in
            let (client, admin, machine) = try await tenant(api, "business")
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let (_, stranger, theirMachine) = try await tenant(api, "business")

            let created = try await api.send(
                .post, "/api/apm/applications", token: admin,
                json: [
                    "name": " Shop ", "machine_id": lower(machine), "url": "https://shop.example.test/health", "interval_seconds": 120,
                    "expected_status": 204, "timeout_seconds": 5, "journal_unit": "shop.service",
                ])
            #expect(created.status == .created && created.string("name") == "Shop" && created.json["interval_seconds"] as? Int == 120, "\(created.text)")
            #expect(
                created.string("machine_hostname") == "web-business" && created.string("journal_unit") == "shop.service" && created.json["latest"] is NSNull)
            let id = try #require(created.string("id"))
            let key = try #require(created.string("ingest_key"))
            #expect(key.hasPrefix("oapm_") && created.string("ingest_key_prefix") == String(key.prefix(12)))
            let stored = try await api.database.withClient { db in
                try await db.query("SELECT ingest_key_hash FROM apm_applications WHERE id = \(UUID(uuidString: id)!)", logger: testLogger).decode(String.self)
                    .reduce(into: "") { $0 = $1 }
            }
            #expect(stored.count == 64 && !stored.contains(key), "only the key's SHA-256 is stored")
            let shown = try await api.send(.get, "/api/apm/applications/\(id)", token: observer)
            #expect(shown.status == .ok && shown.json["ingest_key"] == nil && shown.json["expected_status"] as? Int == 204, "observers read, without the key")

            let invalid: [[String: Any]] = [
                ["name": "A", "machine_id": lower(machine), "url": "ftp://x.test"],
                ["name": "B", "machine_id": lower(machine), "url": "https://user:pw@x.test/"],
                ["name": "C", "machine_id": lower(machine), "url": "https://x.test", "interval_seconds": 10],
                ["name": "D", "machine_id": lower(machine), "url": "https://x.test", "interval_seconds": 9_223_372_036_854_775_807],
                ["name": "E", "machine_id": lower(machine), "url": "https://x.test", "expected_status": 700],
                ["name": "F", "machine_id": lower(machine), "url": "https://x.test", "timeout_seconds": 0],
                ["name": "G", "machine_id": lower(machine), "url": "https://x.test", "journal_unit": "--since=yesterday"],
                ["name": "H", "machine_id": lower(theirMachine), "url": "https://x.test"],
                ["name": "I", "url": "https://x.test"],
                ["name": "", "machine_id": lower(machine), "url": "https://x.test"],
            ]
            for body in invalid {
                let reply = try await api.send(.post, "/api/apm/applications", token: admin, json: body)
                #expect(reply.status == .badRequest, "\(body): \(reply.text)")
            }
            #expect(try await create(api, admin, machine: machine).code == "APPLICATION_EXISTS")
            #expect(try await create(api, observer, machine: machine, name: "Obs").status == .forbidden, "observers do not write")

            let updated = try await api.send(.put, "/api/apm/applications/\(id)", token: admin, json: ["interval_seconds": 30, "journal_unit": ""])
            #expect(
                updated.json["interval_seconds"] as? Int == 30 && updated.json["journal_unit"] is NSNull && updated.string("name") == "Shop", "\(updated.text)")
            #expect(try await api.send(.put, "/api/apm/applications/\(id)", token: admin, json: ["machine_id": lower(theirMachine)]).status == .badRequest)

            for (method, path) in [
                (HTTPRequest.Method.get, "/api/apm/applications/\(id)"), (.put, "/api/apm/applications/\(id)"), (.delete, "/api/apm/applications/\(id)"),
                (.get, "/api/apm/applications/\(id)/metrics"), (.get, "/api/apm/applications/\(id)/traces"), (.post, "/api/apm/applications/\(id)/rotate-key"),
                (.get, "/api/apm/applications/\(id)/traces/\(String(repeating: "ab", count: 16))"),
            ] {
                let reply = try await api.send(method, path, token: stranger, json: method == .put ? ["name": "Mine"] : nil)
                #expect(reply.status == .notFound, "another client: \(method) \(path) \(reply.text)")
            }
            #expect((try await api.send(.get, "/api/apm/applications", token: stranger).json["applications"] as? [Any])?.isEmpty == true)
            #expect(try await api.send(.get, "/api/apm/applications/\(id)/metrics?period=1y", token: admin).code == "VALIDATION_ERROR")
            #expect(try await api.send(.get, "/api/apm/applications/\(id)/traces?limit=100000", token: admin).code == "VALIDATION_ERROR")
            #expect(try await api.send(.get, "/api/apm/applications/\(id)/traces/not-hex", token: admin).code == "VALIDATION_ERROR")

            let rotated = try await api.send(.post, "/api/apm/applications/\(id)/rotate-key", token: admin)
            let newKey = try #require(rotated.string("ingest_key"))
            #expect(newKey != key)
            #expect(
                try await otlp(api, "/v1/traces", key: key, type: "application/json", body: Array("{}".utf8)).status == .unauthorized, "the old key is gone")
            #expect(try await otlp(api, "/v1/traces", key: newKey, type: "application/json", body: Array("{}".utf8)).status == .ok)
            #expect(try await api.send(.delete, "/api/apm/applications/\(id)", token: observer).status == .forbidden)
            #expect(try await api.send(.delete, "/api/apm/applications/\(id)", token: admin).status == .noContent)
            #expect(try await api.send(.get, "/api/apm/applications/\(id)", token: admin).status == .notFound)
        }
    }

    @Test func the_opentelemetry_sdk_sends_a_trace_and_the_route_returns_its_tree() async throws {
        let python = TestEnvironment.repositoryRoot.appendingPathComponent(".local/venv-otel/bin/python").path
        try #require(FileManager.default.isExecutableFile(atPath: python), "scripts/deps.sh installs the OpenTelemetry SDK into .local/venv-otel")
        try await APIHarness.run { api in
            let (_, admin, machine) = try await tenant(api, "business")
            let created = try await create(api, admin, machine: machine)
            let (id, key) = (try #require(created.string("id")), try #require(created.string("ingest_key")))
            let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/tests/otlp_send.py").path
            let endpoint = "http://127.0.0.1:\(try #require(api.client.port))"
            var traceIDs: [String] = []
            // The last as an OpenTelemetry Collector sends by default: gzip-compressed.
            for arguments in [["--header", "authorization"], ["--header", "x-optralis-key"], ["--gzip"]] {
                let run = try await ChildProcess.run(python, [script, "--endpoint", endpoint, "--key", key] + arguments)
                #expect(run.status == 0, "\(arguments): \(run.output)")
                traceIDs.append(String(run.output.split(separator: "\n").last ?? ""))
            }
            let wrong = try await ChildProcess.run(python, [script, "--endpoint", endpoint, "--key", "oapm_not-a-key"])
            #expect(wrong.status != 0, "an unknown key is refused: \(wrong.output)")

            let list = try await api.send(.get, "/api/apm/applications/\(id)/traces", token: admin)
            let traces = (list.json["traces"] as? [[String: Any]]) ?? []
            #expect(Set(traces.compactMap { $0["trace_id"] as? String }) == Set(traceIDs), "\(list.text)")
            #expect(traces.allSatisfy { $0["root_name"] as? String == "GET /checkout" && $0["span_count"] as? Int == 4 && $0["error_count"] as? Int == 1 })
            #expect(traces.allSatisfy { $0["service_name"] as? String == "checkout" })

            let trace = try await api.send(.get, "/api/apm/applications/\(id)/traces/\(traceIDs[0])", token: admin)
            #expect(trace.status == .ok, "\(trace.text)")
            let spans = (trace.json["spans"] as? [[String: Any]]) ?? []
            let tree = spans.map { "\($0["depth"] as? Int ?? -1):\($0["name"] as? String ?? "")" }
            #expect(tree == ["0:GET /checkout", "1:load cart", "2:SELECT carts", "1:charge card"], "\(tree)")
            let byName = Dictionary(spans.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byName["SELECT carts"]?["parent_span_id"] as? String == byName["load cart"]?["span_id"] as? String)
            #expect(byName["charge card"]?["status_code"] as? Int == 2 && byName["charge card"]?["status_message"] as? String == "card declined")
            #expect((byName["SELECT carts"]?["duration_ns"] as? Int ?? 0) >= 2_000_000, "the 2 ms sleep")
            #expect((byName["GET /checkout"]?["attributes"] as? [String: Any])?["http.status_code"] as? Int == 200)
            #expect((byName["GET /checkout"]?["attributes"] as? [String: Any])?["service.version"] as? String == "1.4.2")
            #expect(byName["GET /checkout"]?["offset_ns"] as? Int == 0 && trace.json["duration_ns"] as? Int == byName["GET /checkout"]?["duration_ns"] as? Int)
        }
    }

    @Test func json_otlp_is_stored_once_and_bad_bodies_answer_400() async throws {
        try await APIHarness.run { api in
            let (_, admin, machine) = try await tenant(api, "enterprise")
            let created = try await create(api, admin, machine: machine)
            let (id, key) = (try #require(created.string("id")), try #require(created.string("ingest_key")))
            let trace = "0af7651916cd43dd8448eb211c80319c"
            let now = UInt64(Date().timeIntervalSince1970 * 1_000_000_000)
            let json = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},"scopeSpans":[{"spans":[
                  {"traceId":"\(trace)","spanId":"b7ad6b7169203331","name":"POST /orders","kind":2,"startTimeUnixNano":"\(now)","endTimeUnixNano":"\(now + 9_000_000)"},
                  {"traceId":"\(trace)","spanId":"b7ad6b7169203332","parentSpanId":"b7ad6b7169203331","name":"INSERT orders","kind":3,
                   "startTimeUnixNano":"\(now + 1_000_000)","endTimeUnixNano":"\(now + 4_000_000)","status":{"code":2}}]}]}]}
                """
            for _ in 0..<2 {
                let reply = try await otlp(
                    api, "/v1/traces", key: key, type: "application/json; charset=utf-8", body: Array(json.utf8), header: HTTPField.Name("x-optralis-key")!)
                #expect(reply.status == .ok && reply.text == "{}", "\(reply.text)")
            }
            let tree = try await api.send(.get, "/api/apm/applications/\(id)/traces/\(trace.uppercased())", token: admin)
            #expect(
                ((tree.json["spans"] as? [[String: Any]]) ?? []).map { "\($0["depth"] as? Int ?? -1):\($0["name"] as? String ?? "")" } == [
                    "0:POST /orders", "1:INSERT orders",
                ], "a re-sent span is stored once: \(tree.text)")
            #expect(tree.json["duration_ns"] as? Int == 9_000_000)
            let protobuf = try await otlp(api, "/v1/traces", key: key, type: "application/x-protobuf", body: [])
            #expect(protobuf.status == .ok && protobuf.body.readableBytes == 0 && protobuf.headers[.contentType] == "application/x-protobuf")

            let refusals: [(String?, String, [UInt8], HTTPResponse.Status, String)] = [
                (nil, "application/json", Array(json.utf8), .unauthorized, "INVALID_INGEST_KEY"),
                ("oapm_unknown", "application/json", Array(json.utf8), .unauthorized, "INVALID_INGEST_KEY"),
                (key, "text/plain", Array(json.utf8), .badRequest, "UNSUPPORTED_MEDIA_TYPE"),
                (key, "application/json", Array("{\"resourceSpans\":[".utf8), .badRequest, "INVALID_JSON"),
                (
                    key, "application/json", Array("{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"00\"}]}]}]}".utf8), .badRequest,
                    "INVALID_OTLP"
                ),
                (key, "application/x-protobuf", [0x0A, 0x05, 0x12], .badRequest, "INVALID_PROTOBUF"),
            ]
            for (key, type, body, status, code) in refusals {
                let reply = try await otlp(api, "/v1/traces", key: key, type: type, body: body)
                #expect(reply.status == status && reply.code == code, "\(type) \(key ?? "no key"): \(reply.text)")
            }
            let huge = try await otlp(api, "/v1/traces", key: key, type: "application/x-protobuf", body: [UInt8](repeating: 0, count: 5 * 1024 * 1024))
            #expect(huge.status == .contentTooLarge)

            let metrics = """
                {"resourceMetrics":[{"scopeMetrics":[{"metrics":[
                  {"name":"orders.pending","gauge":{"dataPoints":[{"timeUnixNano":"\(now)","asInt":"7"}]}},
                  {"name":"latency","histogram":{"dataPoints":[{"timeUnixNano":"\(now)","count":"3"}]}}]}]}]}
                """
            let partial = try await otlp(api, "/v1/metrics", key: key, type: "application/json", body: Array(metrics.utf8))
            #expect(partial.status == .ok && (partial.json["partialSuccess"] as? [String: Any])?["rejectedDataPoints"] as? String == "1", "\(partial.text)")
            let points = try await api.database.withClient { db in
                try await db.query("SELECT name, value FROM apm_metric_points WHERE application_id = \(UUID(uuidString: id)!)", logger: testLogger)
                    .decode((String, Double).self).reduce(into: [String]()) { $0.append("\($1.0)=\($1.1)") }
            }
            #expect(points == ["orders.pending=7.0"])
        }
    }

    /// gzip and deflate bodies are inflated up to the 4 MiB a body may have: a small body that
    /// inflates past it is 413, a broken stream 400, another coding 400.
    @Test func compressed_bodies_are_inflated_within_the_body_limit() async throws {
        try await APIHarness.run { api in
            let (_, admin, machine) = try await tenant(api, "business")
            let created = try await create(api, admin, machine: machine)
            let (id, key) = (try #require(created.string("id")), try #require(created.string("ingest_key")))
            let trace = "5b8efff798038103d269b633813fc60c"
            let now = UInt64(Date().timeIntervalSince1970 * 1_000_000_000)
            let json = Array(
                """
                {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"\(trace)","spanId":"eee19b7ec3c1b174","name":"GET /gzip","kind":2,
                  "startTimeUnixNano":"\(now)","endTimeUnixNano":"\(now + 1_000_000)"}]}]}]}
                """.utf8)
            let gzip = try await Self.compress(json, "gzip")
            let deflate = try await Self.compress(json, "zlib")
            #expect(gzip.count > 10 && gzip[0] == 0x1F && gzip[1] == 0x8B)
            for (encoding, body) in [("gzip", gzip), ("GZIP", gzip), ("deflate", deflate)] {
                let reply = try await otlp(api, "/v1/traces", key: key, type: "application/json", body: body, encoding: encoding)
                #expect(reply.status == .ok && reply.text == "{}", "\(encoding): \(reply.text)")
            }
            let stored = try await api.send(.get, "/api/apm/applications/\(id)/traces/\(trace)", token: admin)
            #expect(((stored.json["spans"] as? [[String: Any]]) ?? []).map { $0["name"] as? String } == ["GET /gzip"], "\(stored.text)")

            // 5 MiB of zeros: about 5 KB compressed.
            let bomb = try await Self.compress([UInt8](repeating: 0, count: 5 * 1024 * 1024), "gzip")
            #expect(bomb.count < 64 * 1024)
            let refusals: [(String, [UInt8], HTTPResponse.Status, String)] = [
                ("gzip", bomb, .contentTooLarge, "PAYLOAD_TOO_LARGE"),
                ("gzip", Array(gzip.prefix(gzip.count / 2)), .badRequest, "INVALID_COMPRESSED_BODY"),
                ("gzip", json, .badRequest, "INVALID_COMPRESSED_BODY"),
                ("gzip", [], .badRequest, "INVALID_COMPRESSED_BODY"),
                ("br", json, .badRequest, "UNSUPPORTED_ENCODING"),
            ]
            for (encoding, body, status, code) in refusals {
                let reply = try await otlp(api, "/v1/traces", key: key, type: "application/json", body: body, encoding: encoding)
                #expect(reply.status == status && reply.code == code, "\(encoding), \(body.count) bytes: \(reply.text)")
            }
        }
    }

    /// `bytes` compressed by Python's zlib (`gzip` or `zlib` framing): another implementation than the api's.
    private static func compress(_ bytes: [UInt8], _ framing: String) async throws -> [UInt8] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("otlp-\(UUID()).bin")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let wbits = framing == "gzip" ? 31 : 15
        let script =
            "import sys, zlib; data = open(sys.argv[1], 'rb').read(); c = zlib.compressobj(6, zlib.DEFLATED, \(wbits)); "
            + "open(sys.argv[1], 'wb').write(c.compress(data) + c.flush())"
        let run = try await ChildProcess.run("/usr/bin/python3", ["-c", script, file.path])
        try #require(run.status == 0, "\(run.output)")
        return Array(try Data(contentsOf: file))
    }

    @Test func the_agent_gets_its_probes_and_its_results_become_the_metrics() async throws {
        try await AgentTestBed.run { bed in
            let api = bed.api
            let client = try await api.seedClient()
            try await api.sql("UPDATE clients SET license_type = 'pro' WHERE id = \(client)")
            let admin = try await api.login(try await api.seedUser(client: client, role: "admin").email).access
            let seed = AgentTestBed.Agent(machineID: UUID(), clientID: client, adminToken: admin, tls: .init())
            let agent = try await bed.enrol(beside: seed)
            let neighbour = try await bed.enrol(beside: seed)
            let created = try await api.send(
                .post, "/api/apm/applications", token: admin,
                json: [
                    "name": "Shop", "machine_id": lower(agent.machineID), "url": "https://shop.example.test/", "interval_seconds": 45,
                    "journal_unit": "shop.service",
                ])
            let id = try #require(created.string("id"), "\(created.text)")

            let config = try await bed.get("/agent/config/collectors", as: agent)
            let probes = (config.bodyJSON["apm_probes"] as? [[String: Any]]) ?? []
            #expect(probes.count == 1 && probes.first?["id"] as? String == id && probes.first?["interval_seconds"] as? Int == 45, "\(config.bodyText)")
            #expect(probes.first?["journal_unit"] as? String == "shop.service" && probes.first?["url"] as? String == "https://shop.example.test/")
            try await api.sql("UPDATE clients SET license_type = 'essentials' WHERE id = \(client)")
            let downgraded = try await bed.get("/agent/config/collectors", as: agent)
            #expect((downgraded.bodyJSON["apm_probes"] as? [Any])?.isEmpty == true, "below Pro nothing is probed: \(downgraded.bodyText)")
            try await api.sql("UPDATE clients SET license_type = 'pro' WHERE id = \(client)")
            let elsewhere = try await bed.get("/agent/config", as: neighbour)
            #expect((elsewhere.bodyJSON["apm_probes"] as? [Any])?.isEmpty == true, "another machine probes nothing: \(elsewhere.bodyText)")

            let now = Date().formatted(.iso8601)
            func post(_ agent: AgentTestBed.Agent, sequence: Int, _ probes: String) async throws -> OutboundResponse {
                try await bed.post(
                    "/agent/collect", as: agent, body: #"{"collector":"apm","sequence":\#(sequence),"collected_at":"\#(now)","data":{"probes":[\#(probes)]}}"#)
            }
            let stored = try await post(
                agent, sequence: 1,
                """
                {"application_id":"\(id)","up":true,"status_code":200,"response_time_ms":12.5,"tls_days_left":30,"error_count":2},
                {"application_id":"\(lower(UUID()))","up":false,"error":"not ours"}
                """)
            #expect(stored.status == 200 && stored.bodyJSON["status"] as? String == "stored", "\(stored.bodyText)")
            #expect(try await post(neighbour, sequence: 1, #"{"application_id":"\#(id)","up":false,"status_code":500}"#).status == 200)
            let invalid = try await post(agent, sequence: 2, #"{"application_id":"\#(id)","up":true,"response_time_ms":-1}"#)
            #expect(invalid.status == 400 && invalid.bodyJSON["code"] as? String == "INVALID_PAYLOAD", "\(invalid.bodyText)")
            #expect(try await bed.count("SELECT count(*)::int FROM apm_probes") == 1, "a probe of another machine's or an unknown application is dropped")

            let shown = try await api.send(.get, "/api/apm/applications/\(id)", token: admin)
            let latest = shown.json["latest"] as? [String: Any]
            #expect(
                latest?["up"] as? Bool == true && latest?["response_time_ms"] as? Double == 12.5 && shown.json["availability_24h"] as? Double == 100,
                "\(shown.text)")
            let metrics = try await api.send(.get, "/api/apm/applications/\(id)/metrics?period=1h", token: admin)
            let summary = metrics.json["summary"] as? [String: Any]
            #expect(summary?["checks"] as? Int == 1 && summary?["availability"] as? Double == 100 && summary?["error_count"] as? Int == 2, "\(metrics.text)")
            #expect(summary?["tls_days_left"] as? Int == 30 && summary?["response_time_p95_ms"] as? Double == 12.5)
            #expect((metrics.json["points"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func an_application_past_its_requests_a_minute_is_told_to_retry() async throws {
        try await APIHarness.run(environment: ["APM_INGEST_REQUESTS_PER_MINUTE": "2"]) { api in
            let (_, admin, machine) = try await tenant(api, "business")
            let key = try #require(try await create(api, admin, machine: machine).string("ingest_key"))
            let other = try #require(try await create(api, admin, machine: machine, name: "Other").string("ingest_key"))
            for _ in 0..<2 { #expect(try await otlp(api, "/v1/traces", key: key, type: "application/x-protobuf", body: []).status == .ok) }
            let limited = try await otlp(api, "/v1/traces", key: key, type: "application/x-protobuf", body: [])
            #expect(limited.status == .tooManyRequests && limited.code == "RATE_LIMITED" && Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0, "\(limited.text)")
            #expect(try await otlp(api, "/v1/traces", key: other, type: "application/x-protobuf", body: []).status == .ok, "counted per application")
        }
    }
}
