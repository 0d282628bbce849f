import Foundation
import HTTPTypes
import OptralisTestSupport
import Testing

/// Multi-sites (Business+): the licence gate, CRUD, assignment, the `site_id` filter, the health
/// and overview figures, and channels limited to a site.
@Suite("Sites")
struct SitesTests {
    func array(_ reply: APIHarness.Reply) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(reply.text.utf8))) as? [[String: Any]] ?? []
    }

    func business(_ api: APIHarness) async throws -> (client: UUID, admin: String) {
        let client = try await api.seedClient()
        try await api.sql("UPDATE clients SET license_type = 'business' WHERE id = \(client)")
        return (client, try await api.login(try await api.seedUser(client: client, role: "admin").email).access)
    }

    func lower(_ id: UUID) -> String { id.uuidString.lowercased() }

    @Test func sites_need_the_business_licence() async throws {
        try await APIHarness.run { api in
            let pro = try await api.seedClient()
            try await api.sql("UPDATE clients SET license_type = 'pro' WHERE id = \(pro)")
            let token = try await api.login(try await api.seedUser(client: pro, role: "admin").email).access
            let site = UUID().uuidString.lowercased()
            let refused: [(HTTPRequest.Method, String, [String: Any]?)] = [
                (.get, "/api/sites", nil), (.post, "/api/sites", ["name": "Paris"]), (.get, "/api/sites/overview", nil),
                (.get, "/api/sites/\(site)/health", nil), (.get, "/api/sites/\(site)/machines", nil), (.delete, "/api/sites/\(site)", nil),
                (.put, "/api/machines/assign-site", ["site_id": site, "machine_ids": [site]]), (.get, "/api/machines?site_id=\(site)", nil),
                (.get, "/api/export/machines?site_id=\(site)", nil),
                (.post, "/api/notifications/channels", ["type": "email", "name": "Paris", "config": ["emails": ["a@b.test"]], "site_id": site]),
            ]
            for (method, path, body) in refused {
                let reply = try await api.send(method, path, token: token, json: body)
                #expect(reply.status == .forbidden && reply.code == "PREMIUM_REQUIRED", "\(method) \(path): \(reply.text)")
                #expect(reply.string("error")?.contains("Business") == true)
            }
            #expect(try await api.send(.get, "/api/machines", token: token).status == .ok, "the list without a site filter stays open")
            let (_, admin) = try await business(api)
            #expect(try await api.send(.get, "/api/sites", token: admin).status == .ok)
        }
    }

    @Test func sites_are_managed_within_the_tenant_and_observers_only_read() async throws {
        try await APIHarness.run { api in
            let (client, admin) = try await business(api)
            let observer = try await api.login(try await api.seedUser(client: client, role: "observer").email).access
            let created = try await api.send(
                .post, "/api/sites", token: admin, json: ["name": "  Paris ", "location": "Rue de Rivoli", "timezone": "Europe/Paris"])
            #expect(created.status == .created && created.string("name") == "Paris" && created.json["machine_count"] as? Int == 0, "\(created.text)")
            let site = try #require(created.string("id"))
            #expect(try await api.send(.post, "/api/sites", token: admin, json: ["name": "Paris"]).code == "SITE_EXISTS")
            #expect(try await api.send(.post, "/api/sites", token: admin, json: ["name": " "]).code == "VALIDATION_ERROR")
            #expect(try await api.send(.post, "/api/sites", token: admin, json: ["name": String(repeating: "x", count: 101)]).code == "VALIDATION_ERROR")
            #expect(try await api.send(.post, "/api/sites", token: admin, json: ["name": "Mars", "timezone": "Mars/Olympus"]).code == "VALIDATION_ERROR")
            #expect(
                try await api.send(.post, "/api/sites", token: admin, json: ["name": "Lyon", "location": String(repeating: "y", count: 201)]).code
                    == "VALIDATION_ERROR")
            #expect(try await api.send(.post, "/api/sites", token: observer, json: ["name": "Lyon"]).status == .forbidden, "observers read only")
            #expect(try await api.send(.get, "/api/sites/\(site)", token: observer).string("timezone") == "Europe/Paris")
            #expect(try await api.send(.get, "/api/sites/not-a-uuid", token: admin).code == "VALIDATION_ERROR")

            let renamed = try await api.send(.put, "/api/sites/\(site)", token: admin, json: ["name": "Paris HQ", "location": ""])
            #expect(
                renamed.string("name") == "Paris HQ" && renamed.json["location"] is NSNull && renamed.string("timezone") == "Europe/Paris", "\(renamed.text)")

            let (other, stranger) = try await business(api)
            _ = other
            #expect(try await api.send(.get, "/api/sites/\(site)", token: stranger).status == .notFound)
            #expect(try await api.send(.put, "/api/sites/\(site)", token: stranger, json: ["name": "Mine now"]).status == .notFound)
            #expect(try await api.send(.delete, "/api/sites/\(site)", token: stranger).status == .notFound)
            #expect(try await api.send(.get, "/api/sites/\(site)/health", token: stranger).status == .notFound)
            #expect(try await api.send(.get, "/api/sites/\(site)/machines", token: stranger).status == .notFound)
            #expect(array(try await api.send(.get, "/api/sites", token: stranger)).isEmpty)

            let logged = try await api.database.withClient { db in
                try await db.query(
                    "SELECT count(*)::int FROM activity_logs WHERE client_id = \(client) AND message IN ('Site créé', 'Site modifié')", logger: testLogger
                )
                .decode(Int.self).reduce(into: 0) { $0 = $1 }
            }
            #expect(logged == 2)
            #expect(try await api.send(.delete, "/api/sites/\(site)", token: observer).status == .forbidden)
            #expect(try await api.send(.delete, "/api/sites/\(site)", token: admin).status == .ok)
            #expect(try await api.send(.get, "/api/sites/\(site)", token: admin).status == .notFound)
        }
    }

    @Test func machines_are_assigned_filtered_and_scored_by_site() async throws {
        try await APIHarness.run { api in
            let (client, admin) = try await business(api)
            let (other, stranger) = try await business(api)
            let paris = try #require(try await api.send(.post, "/api/sites", token: admin, json: ["name": "Paris"]).string("id"))
            let lyon = try #require(try await api.send(.post, "/api/sites", token: admin, json: ["name": "Lyon"]).string("id"))
            let empty = try #require(try await api.send(.post, "/api/sites", token: admin, json: ["name": "Nice"]).string("id"))
            var machines: [UUID] = []
            for (name, score) in [("p-1", "80"), ("p-2", "90"), ("p-3", "NULL"), ("l-1", "60"), ("free", "10")] {
                let id = try await api.seedMachine(client: client, hostname: name)
                try await api.sql("UPDATE machines SET health_score = \(unescaped: score), last_seen = now() WHERE id = \(id)")
                machines.append(id)
            }
            let theirs = try await api.seedMachine(client: other, hostname: "x-1")

            // Cached before any assignment: the unfiltered list must not answer a filtered one.
            #expect(try await api.send(.get, "/api/machines", token: admin).json["total"] as? Int == 5)
            let assigned = try await api.send(
                .put, "/api/machines/assign-site", token: admin, json: ["site_id": paris, "machine_ids": machines[0..<3].map(lower) + [lower(theirs)]])
            #expect(assigned.json["count"] as? Int == 3, "another client's machine is not moved: \(assigned.text)")
            #expect(
                try await api.send(.put, "/api/machines/assign-site", token: admin, json: ["site_id": lyon, "machine_ids": [lower(machines[3])]]).json["count"]
                    as? Int == 1)
            #expect(
                try await api.send(.put, "/api/machines/assign-site", token: stranger, json: ["site_id": paris, "machine_ids": [lower(theirs)]]).status
                    == .notFound)
            #expect(try await api.send(.put, "/api/machines/assign-site", token: admin, json: ["machine_ids": [lower(machines[0])]]).code == "VALIDATION_ERROR")
            #expect(
                try await api.send(.put, "/api/machines/assign-site", token: admin, json: ["site_id": paris, "machine_ids": []]).code == "VALIDATION_ERROR")
            let tooMany = (0...Int(100)).map { _ in UUID().uuidString }
            #expect(
                try await api.send(.put, "/api/machines/assign-site", token: admin, json: ["site_id": paris, "machine_ids": tooMany]).code == "VALIDATION_ERROR"
            )

            func hostnames(_ query: String) async throws -> [String] {
                let reply = try await api.send(.get, "/api/machines\(query)", token: admin)
                return ((reply.json["machines"] as? [[String: Any]]) ?? []).compactMap { $0["hostname"] as? String }.sorted()
            }
            #expect(try await hostnames("?site_id=\(paris)") == ["p-1", "p-2", "p-3"])
            #expect(try await hostnames("?site_id=\(lyon)") == ["l-1"])
            #expect(try await hostnames("?site_id=\(empty)") == [])
            #expect(try await hostnames("") == ["free", "l-1", "p-1", "p-2", "p-3"], "the unfiltered list is not the filtered one")
            #expect(try await api.send(.get, "/api/machines?site_id=nope", token: admin).code == "VALIDATION_ERROR")

            let page = try await api.send(.get, "/api/sites/\(paris)/machines?limit=2", token: admin)
            #expect(page.json["total"] as? Int == 3 && (page.json["machines"] as? [Any])?.count == 2, "\(page.text)")
            #expect(try await api.send(.get, "/api/sites/\(paris)/machines?limit=501", token: admin).code == "VALIDATION_ERROR")

            // The spec's aggregated score: the mean of the scored machines, 100 for none.
            let health = try await api.send(.get, "/api/sites/\(paris)/health", token: admin)
            #expect(health.json["health_score"] as? Double == 85 && health.json["machine_count"] as? Int == 3, "\(health.text)")
            #expect(health.json["scored_machines"] as? Int == 2 && health.json["online"] as? Int == 3 && health.json["lowest_score"] as? Int == 80)
            #expect(try await api.send(.get, "/api/sites/\(empty)/health", token: admin).json["health_score"] as? Double == 100)

            let overview = try await api.send(.get, "/api/sites/overview", token: admin)
            #expect(overview.json["health_score"] as? Double == 76.7, "(80 + 90 + 60) / 3, the machine of no site left out: \(overview.text)")
            #expect(overview.json["site_count"] as? Int == 3 && overview.json["machine_count"] as? Int == 4)
            let sites = (overview.json["sites"] as? [[String: Any]]) ?? []
            #expect(sites.map { $0["name"] as? String } == ["Nice", "Paris", "Lyon"], "healthiest first")
            #expect(sites.map { $0["rank"] as? Int } == [1, 2, 3])
            #expect(sites.map { $0["difference_from_overall"] as? Double } == [23.3, 8.3, -16.7])
            let unassigned = overview.json["unassigned"] as? [String: Any]
            #expect(unassigned?["machine_count"] as? Int == 1 && unassigned?["health_score"] as? Double == 10)
            #expect(try await api.send(.get, "/api/sites/overview", token: stranger).json["site_count"] as? Int == 0)

            #expect(try await api.send(.put, "/api/machines/remove-site", token: admin, json: ["machine_ids": [lower(machines[0])]]).json["count"] as? Int == 1)
            #expect(try await hostnames("?site_id=\(paris)") == ["p-2", "p-3"], "the cached filtered list was dropped")
            #expect(try await api.send(.delete, "/api/sites/\(paris)", token: admin).status == .ok)
            #expect(try await hostnames("") == ["free", "l-1", "p-1", "p-2", "p-3"], "deleting a site keeps its machines")
        }
    }

    @Test func a_channel_may_be_limited_to_a_site_of_its_client() async throws {
        try await APIHarness.run { api in
            let (_, admin) = try await business(api)
            let (_, stranger) = try await business(api)
            let site = try #require(try await api.send(.post, "/api/sites", token: admin, json: ["name": "Paris"]).string("id"))
            let theirSite = try #require(try await api.send(.post, "/api/sites", token: stranger, json: ["name": "Paris"]).string("id"))
            let email: [String: Any] = ["type": "email", "name": "Paris team", "config": ["emails": ["paris@example.com"]]]
            #expect(
                try await api.send(.post, "/api/notifications/channels", token: admin, json: email.merging(["site_id": theirSite]) { $1 }).status == .notFound)
            let created = try await api.send(.post, "/api/notifications/channels", token: admin, json: email.merging(["site_id": site]) { $1 })
            #expect(created.status == .created && created.string("site_id") == site, "\(created.text)")
            let channel = try #require(created.string("id"))
            let kept = try await api.send(.put, "/api/notifications/channels/\(channel)", token: admin, json: email.merging(["name": "Paris ops"]) { $1 })
            #expect(kept.string("site_id") == site, "no site_id: the limit stays")
            let cleared = try await api.send(.put, "/api/notifications/channels/\(channel)", token: admin, json: email.merging(["site_id": NSNull()]) { $1 })
            #expect(cleared.json["site_id"] is NSNull, "null: every machine")
            _ = try await api.send(.put, "/api/notifications/channels/\(channel)", token: admin, json: email.merging(["site_id": site]) { $1 })
            #expect(try await api.send(.delete, "/api/sites/\(site)", token: admin).status == .ok)
            #expect(try await api.send(.get, "/api/notifications/channels/\(channel)", token: admin).status == .notFound, "a site's channels go with it")
        }
    }
}
