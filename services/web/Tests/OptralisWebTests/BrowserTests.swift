import Foundation
import Hummingbird
import HummingbirdTesting
import OptralisTestSupport
import Synchronization
import Testing

/// The dashboard in a real headless Chromium, driven by selenium (`scripts/browser/dashboard.py`,
/// installed by `make test`'s scripts/deps.sh with Debian's chromium and chromium-driver), against
/// this suite's web service and the real api. Each page's screenshot is kept under
/// `.local/screenshots/`.
@Suite("Dashboard in a real browser")
struct BrowserTests {
    static let mfaSecret = "JBSWY3DPEHPK3PXP"

    /// The python with selenium: the project's venv (where Debian's python refuses pip), else python3.
    static var python: String {
        let venv = TestEnvironment.repositoryRoot.appendingPathComponent(".local/venv/bin/python").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        return which("python3") ?? "/usr/bin/python3"
    }

    @Test func log_in_with_and_without_mfa_see_the_machine_and_its_chart_as_admin_and_observer() async throws {
        try await WebHarness.run { web in
            let client = try await web.seedClient()
            let admin = try await web.seedUser(client: client)
            let observer = try await web.seedUser(client: client, role: "observer")
            let mfa = try await web.seedUser(client: client)
            try await web.sql("UPDATE users SET mfa_enabled = true, mfa_secret = \(Self.mfaSecret) WHERE email = \(mfa)")
            try await web.sql(
                "INSERT INTO machines (client_id, hostname, os, last_seen, agent_version) VALUES (\(client), 'browser-01', 'linux', now(), '1.4.0')")
            try await web.sql(
                """
                INSERT INTO metrics (machine_id, recorded_at, cpu_percent, ram_percent)
                SELECT m.id, t, 30 + extract(minute FROM t)::int % 11, 60 FROM machines m,
                     generate_series(now() - interval '3 hours', now(), interval '5 minutes') t WHERE m.hostname = 'browser-01'
                """)
            let port = try #require(web.client.port)
            let script = TestEnvironment.repositoryRoot.appendingPathComponent("scripts/browser/dashboard.py").path
            let result = try await ChildProcess.run(
                Self.python, [script],
                environment: [
                    "PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path, "WEB_URL": "http://127.0.0.1:\(port)",
                    "ADMIN_EMAIL": admin, "OBSERVER_EMAIL": observer, "MFA_EMAIL": mfa, "PASSWORD": WebHarness.password,
                    "MFA_SECRET": Self.mfaSecret, "MACHINE": "browser-01",
                    "SCREENSHOTS": TestEnvironment.repositoryRoot.appendingPathComponent(".local/screenshots").path,
                ],
                timeout: .seconds(240))
            let checks = result.output.split(separator: "\n").filter { $0.hasPrefix("ok ") || $0.hasPrefix("FAIL ") }
            #expect(result.status == 0 && checks.count >= 17, "\(result.output.suffix(3000))")
            for failure in checks where failure.hasPrefix("FAIL ") { Issue.record("\(failure)") }
        }
    }

    /// Issue 19's tasks through the forms (`scripts/browser/tasks.py`): an alert rule, a Slack
    /// channel whose test the real notifier delivers to this test's sink, an invitation, a group
    /// and a label put on ticked machines, a site with a machine moved to it; an observer reading the same pages without a form; a
    /// super_admin acting as the client and leaving.
    @Test func an_admin_does_the_tasks_through_the_forms_an_observer_reads_and_a_super_admin_acts_as_the_client() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let received = Mutex<Int>(0)
        let sinkRouter = Router()
        sinkRouter.post("/hook") { _, _ -> HTTPResponse.Status in
            received.withLock { $0 += 1 }
            return .ok
        }
        let sink = Application(router: sinkRouter, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await sink.test(.live) { sinkClient in
            try await WebHarness.run(redisURL: redis.url) { web in
                let client = try await web.seedClient("Initech")
                // Business: the sites page and the site actions are part of the tasks.
                try await web.sql("UPDATE clients SET license_type = 'business' WHERE id = \(client)")
                let admin = try await web.seedUser(client: client)
                let observer = try await web.seedUser(client: client, role: "observer")
                let root = try await web.seedUser(client: nil, role: "super_admin")
                for host in ["tasks-db-01", "tasks-db-02", "tasks-web-01"] {
                    try await web.sql("INSERT INTO machines (client_id, hostname, os, last_seen) VALUES (\(client), \(host), 'linux', now())")
                }
                // The Pro pages with a day of figures: a database's samples every 5 minutes and its
                // slow queries, an application's probes (down for 20 minutes) and one trace.
                try await web.sql(
                    """
                    WITH d AS (
                        INSERT INTO monitored_databases (client_id, machine_id, name, engine, host, port, database_name, username, last_collected_at, slow_queries)
                        SELECT client_id, id, 'Orders', 'postgresql', '127.0.0.1', 5432, 'orders', 'monitor', now(),
                               '[{"query": "SELECT * FROM orders WHERE customer_id = $1 ORDER BY created_at DESC", "calls": 1250, "mean_ms": 1840.5}]'
                        FROM machines WHERE client_id = \(client) AND hostname = 'tasks-db-01' RETURNING id, machine_id)
                    INSERT INTO database_metrics (database_id, machine_id, recorded_at, connections_active, connections_idle, query_time_avg_ms,
                                                  slow_queries_count, deadlocks_count, cache_hit_ratio, replication_lag_ms)
                    SELECT d.id, d.machine_id, t, 4 + extract(minute FROM t)::int % 9, 20, 3.5 + extract(hour FROM t)::int % 5, 1, 0, 98.7, 120
                    FROM d, generate_series(now() - interval '24 hours', now(), interval '5 minutes') t
                    """)
                try await web.sql(
                    """
                    WITH a AS (
                        INSERT INTO apm_applications (client_id, machine_id, name, url, journal_unit, ingest_key_hash, ingest_key_prefix)
                        SELECT client_id, id, 'Shop', 'https://shop.example.test/health', 'shop.service', repeat('a', 64), 'oapm_browser'
                        FROM machines WHERE client_id = \(client) AND hostname = 'tasks-web-01' RETURNING id, machine_id),
                    p AS (
                        INSERT INTO apm_probes (application_id, machine_id, recorded_at, up, status_code, response_time_ms, tls_days_left, error_count)
                        SELECT a.id, a.machine_id, t, t NOT BETWEEN now() - interval '3 hours' AND now() - interval '160 minutes',
                               CASE WHEN t BETWEEN now() - interval '3 hours' AND now() - interval '160 minutes' THEN 503 ELSE 200 END,
                               80 + extract(minute FROM t)::int % 40, 61, 0
                        FROM a, generate_series(now() - interval '24 hours', now(), interval '5 minutes') t)
                    INSERT INTO apm_spans (application_id, trace_id, span_id, parent_span_id, name, kind, service_name, started_at, start_unix_nano, duration_ns)
                    SELECT a.id, '4bf92f3577b34da6a3ce929d0e0e4736', s.span, s.parent, s.name, 2, 'shop', now() - interval '10 minutes' + s.offset_ms * interval '1 millisecond',
                           (extract(epoch FROM now() - interval '10 minutes') * 1e9)::bigint + s.offset_ms * 1000000, s.duration_ms * 1000000
                    FROM a, (VALUES ('00f067aa0ba902b7', NULL, 'GET /checkout', 0, 240), ('00f067aa0ba902b8', '00f067aa0ba902b7', 'SELECT orders', 12, 95),
                                    ('00f067aa0ba902b9', '00f067aa0ba902b7', 'POST payments', 120, 110)) s(span, parent, name, offset_ms, duration_ms)
                    """)
                let notifier = try ServiceProcess.launch(
                    "optralis-notifier",
                    environment: ["DATABASE_URL": web.database.url.urlString, "REDIS_URL": redis.url, "NOTIFIER_PORT": "0", "LOG_LEVEL": "warning"],
                    port: 0)
                let port = try #require(web.client.port)
                let result = try await ChildProcess.run(
                    Self.python, [TestEnvironment.repositoryRoot.appendingPathComponent("scripts/browser/tasks.py").path],
                    environment: [
                        "PATH": "/usr/bin:/bin", "HOME": FileManager.default.temporaryDirectory.path, "WEB_URL": "http://127.0.0.1:\(port)",
                        "ADMIN_EMAIL": admin, "OBSERVER_EMAIL": observer, "ROOT_EMAIL": root, "PASSWORD": WebHarness.password, "CLIENT": "Initech",
                        "SINK_URL": "http://127.0.0.1:\(sinkClient.port!)/hook", "MACHINES": "tasks-db-01,tasks-db-02,tasks-web-01",
                        "SCREENSHOTS": TestEnvironment.repositoryRoot.appendingPathComponent(".local/screenshots").path,
                    ],
                    timeout: .seconds(300))
                notifier.child.signal(SIGTERM)
                _ = await notifier.child.waitForExit(timeout: .seconds(10))
                let checks = result.output.split(separator: "\n").filter { $0.hasPrefix("ok ") || $0.hasPrefix("FAIL ") }
                #expect(result.status == 0 && checks.count >= 35, "\(result.output.suffix(3000))")
                for failure in checks where failure.hasPrefix("FAIL ") { Issue.record("\(failure)") }
                #expect(received.withLock { $0 } == 1, "the sink got the channel's test")
            }
        }
        await redis.stop()
    }
}
