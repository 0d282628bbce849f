import Foundation
import Hummingbird
import HummingbirdTesting
import OptralisTestSupport
import Synchronization
import Testing

/// A stand-in for UptimeRobot's API v2: `POST /v2/getMonitors` with a form body, answered in
/// its JSON (`stat`, `pagination`, `monitors[]` with string ratios and logs newest first), or
/// with its `stat: fail`, an HTTP error or silence, as a test asks.
final class UptimeRobotDouble: Sendable {
    enum Mode: Sendable { case answer(String), refuse, httpError, hang }
    let mode: Mutex<Mode>
    let forms = Mutex<[[String: String]]>([])
    let contentTypes = Mutex<[String]>([])
    static let key = "ur123456-a+b&c=d"

    init(_ mode: Mode) { self.mode = Mutex(mode) }

    var calls: Int { forms.withLock { $0.count } }

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("/v2/getMonitors") { request, _ -> Response in
            let form = String(buffer: try await request.body.collect(upTo: 1 << 16))
            var fields: [String: String] = [:]
            for pair in form.split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
                if parts.count == 2 { fields[parts[0]] = parts[1] }
            }
            self.forms.withLock { $0.append(fields) }
            self.contentTypes.withLock { $0.append(request.headers[.contentType] ?? "") }
            let body: String
            switch self.mode.withLock({ $0 }) {
            case .answer(let json): body = json
            case .refuse:
                // UptimeRobot echoes the value it refused: the key itself.
                body = #"{"stat":"fail","error":{"type":"invalid_parameter","parameter_name":"api_key","passed_value":"\#(fields["api_key"] ?? "")"}}"#
            case .httpError: return Response(status: .internalServerError)
            case .hang:
                try await Task.sleep(for: .seconds(5))
                body = #"{"stat":"ok","monitors":[]}"#
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return router
    }

    func run(_ body: @Sendable (String) async throws -> Void) async throws {
        let server = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await server.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)/v2") }
    }

    /// The start of the current UTC half-day, in Unix seconds.
    static var halfDayStart: Int { Int(Date().timeIntervalSince1970) / 43_200 * 43_200 }

    /// Two monitors as UptimeRobot lists them (logs newest first), and one whose values are out
    /// of any range. API: down from 30 minutes before the previous half-day to 1 hour into it.
    /// Frontend: down since the start of the previous half-day, still down.
    static func answer(halfDayStart start: Int) -> String {
        let previous = start - 43_200
        return #"""
            {"stat":"ok","pagination":{"offset":0,"limit":50,"total":3},"monitors":[
            {"id":802079181,"friendly_name":"Optralis - API","url":"https://optralis-api.example/health","type":1,"sub_type":"","keyword_type":null,
             "keyword_case_type":null,"keyword_value":"","http_username":"","http_password":"","port":"","interval":300,"timeout":30,"status":2,
             "create_datetime":1700000000,"custom_uptime_ratio":"99.950",
             "logs":[
              {"id":1003,"type":2,"datetime":\#(previous + 3600),"duration":\#(start - previous - 3600),"alert_contacts":[],"reason":{"code":"200","detail":"OK"}},
              {"id":1002,"type":1,"datetime":\#(previous - 1800),"duration":5400,"alert_contacts":[],"reason":{"code":"503","detail":"Service Unavailable"}},
              {"id":1001,"type":98,"datetime":\#(start - 20 * 86_400),"duration":1000,"alert_contacts":[],"reason":{"code":"","detail":"Started"}}]},
            {"id":802079169,"friendly_name":"Optralis - Frontend","url":"https://optralis.example/status","type":1,"sub_type":"","keyword_type":null,
             "keyword_case_type":null,"keyword_value":"","http_username":"","http_password":"","port":"","interval":300,"timeout":30,"status":9,
             "create_datetime":1700000000,"custom_uptime_ratio":"97.100",
             "logs":[{"id":2002,"type":1,"datetime":\#(previous),"duration":50000,"alert_contacts":[],"reason":{"code":"0","detail":"Connection Timeout"}},
                     {"id":2001,"type":98,"datetime":\#(start - 20 * 86_400),"duration":1000,"alert_contacts":[],"reason":{"code":"","detail":"Started"}}]},
            {"id":1e300,"friendly_name":"\#(String(repeating: "x", count: 5000))","url":"","type":1,"status":"8","custom_uptime_ratio":"1e400",
             "average_response_time":"-1e300",
             "logs":[{"type":2,"datetime":1e300,"duration":-1},{"type":1,"datetime":-9e18,"duration":1e300},{"type":"77","datetime":"soon"}]}
            ]}
            """#
    }
}

@Suite("Public status: UptimeRobot's external monitors")
struct ExternalStatusTests {
    @Test func the_monitors_come_with_their_ratio_and_30_half_day_bars_from_the_sorted_logs_and_are_cached() async throws {
        let start = UptimeRobotDouble.halfDayStart
        let double = UptimeRobotDouble(.answer(UptimeRobotDouble.answer(halfDayStart: start)))
        try await double.run { url in
            try await APIHarness.run(environment: ["UPTIMEROBOT_API_KEY": UptimeRobotDouble.key, "UPTIMEROBOT_API_URL": url]) { api in
                let reply = try await api.send(.get, "/status/external")
                try #require(reply.status == .ok, "\(reply.text)")
                #expect(reply.headers[.cacheControl] == "public, max-age=60")
                #expect(reply.json["configured"] as? Bool == true)
                #expect(reply.json["timestamp"] is String)
                #expect(!reply.text.contains(UptimeRobotDouble.key) && !reply.text.contains("ur123456"), "the key is never returned")
                let monitors = try #require(reply.json["monitors"] as? [[String: Any]])
                try #require(monitors.count == 3, "\(reply.text.prefix(2000))")

                let site = monitors[0]
                #expect(site["id"] as? String == "802079181" && site["name"] as? String == "Optralis - API")
                #expect(site["status"] as? String == "online" && site["uptime_ratio"] as? Double == 99.95)
                #expect(site["url"] as? String == "https://optralis-api.example/health" && site["response_time"] == nil)
                let bars = try #require(site["uptime_15d"] as? [Double])
                #expect(bars.count == 30)
                // Down 30 minutes at the end of the half-day before the previous one, 1 hour into
                // the previous one; read newest first, the outage would vanish.
                #expect(bars[27] == 95.83 && bars[28] == 91.67, "\(bars)")
                #expect(bars.enumerated().allSatisfy { [27, 28].contains($0.offset) || $0.element == 100 }, "\(bars)")

                let front = monitors[1]
                #expect(front["status"] as? String == "offline" && front["uptime_ratio"] as? Double == 97.1)
                let frontBars = try #require(front["uptime_15d"] as? [Double])
                // Still down: the outage runs to now (the current half-day's share depends on the hour).
                #expect(frontBars[28] == 0 && frontBars[..<28].allSatisfy { $0 == 100 }, "\(frontBars)")

                // Out-of-range values do not trap: they are dropped or cut.
                let odd = monitors[2]
                #expect(odd["id"] as? String == "" && (odd["name"] as? String)?.count == 200 && odd["status"] as? String == "degraded")
                #expect(odd["uptime_ratio"] == nil && odd["response_time"] == nil)
                // Down since long ago, the future 'up' ignored: every past half-day at 0 (the current one
                // counts its 43,200 seconds, the spec's formula, so it is not 0 before its end).
                #expect((odd["uptime_15d"] as? [Double])?.prefix(29).allSatisfy { $0 == 0 } == true, "\(odd)")

                // What UptimeRobot was asked, as the spec says.
                let form = try #require(double.forms.withLock { $0.first })
                #expect(
                    form == [
                        "api_key": UptimeRobotDouble.key, "format": "json", "logs": "1", "logs_limit": "1000", "custom_uptime_ratios": "15",
                    ])
                #expect(double.contentTypes.withLock { $0 } == ["application/x-www-form-urlencoded"])

                let again = try await api.send(.get, "/status/external")
                #expect(again.status == .ok && (again.json["monitors"] as? [Any])?.count == 3)
                #expect(double.calls == 1, "served from the cache")
                let keys = try await RedisProbe.keys(url: api.redisURL, matching: "\(api.cachePrefix)status:external")
                #expect(keys.count == 1, "cached in Redis for the other replicas")
            }
        }
    }

    @Test func without_a_key_the_route_answers_not_configured() async throws {
        try await APIHarness.run { api in
            let reply = try await api.send(.get, "/status/external")
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.json["configured"] as? Bool == false)
            #expect((reply.json["monitors"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func uptimerobot_refusing_failing_or_silent_is_a_502_never_cached() async throws {
        let double = UptimeRobotDouble(.refuse)
        try await double.run { url in
            try await APIHarness.run(environment: [
                "UPTIMEROBOT_API_KEY": UptimeRobotDouble.key, "UPTIMEROBOT_API_URL": url, "UPTIMEROBOT_TIMEOUT_SECONDS": "1",
            ]) { api in
                let refused = try await api.send(.get, "/status/external")
                #expect(refused.status == .badGateway && refused.code == "UPTIMEROBOT_REFUSED", "\(refused.text)")
                #expect(refused.text.contains("invalid_parameter") && !refused.text.contains("ur123456"), "the echoed key is not repeated: \(refused.text)")

                double.mode.withLock { $0 = .httpError }
                let failing = try await api.send(.get, "/status/external")
                #expect(failing.status == .badGateway && failing.code == "UPTIMEROBOT_UNAVAILABLE", "\(failing.text)")

                double.mode.withLock { $0 = .answer("<html>maintenance</html>") }
                let garbled = try await api.send(.get, "/status/external")
                #expect(garbled.status == .badGateway && garbled.code == "UPTIMEROBOT_UNAVAILABLE", "\(garbled.text)")

                double.mode.withLock { $0 = .hang }
                let clock = ContinuousClock.now
                let silent = try await api.send(.get, "/status/external")
                #expect(silent.status == .badGateway && silent.code == "UPTIMEROBOT_UNAVAILABLE", "\(silent.text)")
                #expect(ContinuousClock.now - clock < .seconds(4), "UPTIMEROBOT_TIMEOUT_SECONDS bounds the wait")

                double.mode.withLock { $0 = .answer(UptimeRobotDouble.answer(halfDayStart: UptimeRobotDouble.halfDayStart)) }
                let back = try await api.send(.get, "/status/external")
                #expect(back.status == .ok && (back.json["monitors"] as? [Any])?.count == 3, "failures were not cached: \(back.text.prefix(300))")
                #expect(double.calls == 5)
            }
        }
    }

    @Test func with_redis_down_the_route_still_answers_and_this_replica_still_caches() async throws {
        let redis = try RedisServerProcess()
        try await redis.start()
        let double = UptimeRobotDouble(.answer(UptimeRobotDouble.answer(halfDayStart: UptimeRobotDouble.halfDayStart)))
        try await double.run { url in
            try await APIHarness.run(redisURL: redis.url, environment: ["UPTIMEROBOT_API_KEY": UptimeRobotDouble.key, "UPTIMEROBOT_API_URL": url]) { api in
                await redis.stop()
                let first = try await api.send(.get, "/status/external")
                #expect(first.status == .ok && first.json["configured"] as? Bool == true, "\(first.text.prefix(300))")
                let second = try await api.send(.get, "/status/external")
                #expect(second.status == .ok)
                #expect(double.calls == 1, "the replica's own 60-second memory stands in for Redis")
            }
        }
        await redis.stop()
    }
}
