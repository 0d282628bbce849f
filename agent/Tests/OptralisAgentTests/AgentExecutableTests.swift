import OptralisTestSupport
import Testing

@Suite("optralis-agent executable")
struct AgentExecutableTests {
    @Test func starts_answers_local_health_and_metrics_and_stops_on_sigterm() async throws {
        try await ServiceLifecycleCheck.run(
            binary: "optralis-agent", service: "agent", portVariable: "AGENT_STATUS_PORT",
            environment: ["LOG_LEVEL": "info"], expectedChecks: [])
    }
}
