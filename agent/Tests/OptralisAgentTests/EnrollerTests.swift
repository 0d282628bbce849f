import Testing

@testable import OptralisAgent

@Suite("Enroller")
struct EnrollerTests {
    @Test func the_systemd_unit_runs_the_agent_with_its_directories_and_environment() {
        let unit = Enroller.unit(
            binary: "/usr/local/bin/optralis-agent", files: AgentFiles(configDirectory: "/etc/optralis", stateDirectory: "/var/lib/optralis"))
        #expect(unit.contains("ExecStart=/usr/local/bin/optralis-agent run --config-dir /etc/optralis --state-dir /var/lib/optralis\n"))
        #expect(unit.contains("Environment=GNUTLS_NO_IMPLICIT_INIT=1\nEnvironment=MALLOC_ARENA_MAX=1\n"))
        #expect(unit.contains("Restart=always"))
    }
}
