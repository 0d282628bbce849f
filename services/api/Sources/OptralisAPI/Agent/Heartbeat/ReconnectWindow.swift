import Logging
import OptralisCore
import PostgresNIO

/// The reconnect window the heartbeat's reply hands agents (`reconnect_window_seconds`): how
/// long, at most, an agent waits between tries while the gateway is unreachable
/// (``AgentRetryPolicy``). After a gateway restart the whole fleet comes back spread over it, so
/// it is the fleet's size (every enrolled machine, counted at most once a minute per replica)
/// over what the gateway takes back per second (`AGENT_RECONNECT_RATE`), within
/// ``AgentRetryPolicy/reconnectWindowRange``. Agents of an older version ignore the field;
/// agents facing an older gateway keep ``AgentRetryPolicy/defaultReconnectWindow``.
struct ReconnectWindow: Sendable {
    let rate: Int
    private let countMachines: @Sendable () async throws -> Int
    /// The fleet's size, counted at most once per lifetime, by one caller at a time.
    private let fleet: CachedValue<Int>

    init(rate: Int, lifetime: Duration = .seconds(60), countMachines: @escaping @Sendable () async throws -> Int) {
        self.rate = max(rate, 1)
        self.countMachines = countMachines
        fleet = CachedValue(lifetime: lifetime)
    }

    init(rate: Int, database: PostgresClient, logger: Logger) {
        self.init(rate: rate) {
            try await database.query("SELECT count(*)::int FROM machines", logger: logger).decode(Int.self).reduce(into: 0) { $0 = $1 }
        }
    }

    static func seconds(fleet: Int, rate: Int) -> Int {
        let range = AgentRetryPolicy.reconnectWindowRange
        return min(max((max(fleet, 0) + max(rate, 1) - 1) / max(rate, 1), range.lowerBound), range.upperBound)
    }

    /// The window; the last one known (or the agents' default) while the count fails.
    func seconds() async -> Int {
        guard let size = (try? await fleet.get(load: countMachines)) ?? fleet.last else { return AgentRetryPolicy.defaultReconnectWindow }
        return Self.seconds(fleet: size, rate: rate)
    }
}
