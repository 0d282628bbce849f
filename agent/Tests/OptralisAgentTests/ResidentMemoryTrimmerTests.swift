import Foundation
@testable import OptralisAgent
import OptralisCurl
import OptralisTestSupport
import Testing

/// The trimmer's choice of mappings on a captured smaps, then the real agent trimming itself at
/// start and running on.
@Suite("Resident memory trimmer")
struct ResidentMemoryTrimmerTests {
    @Test func only_read_only_private_file_mappings_without_a_copied_page_are_released() throws {
        let mappings = ResidentMemoryTrimmer.mappings(try #require(HostCollectorsTests.host.read("/proc/self/smaps")))
        #expect(mappings.count == 37 && mappings.reduce(0) { $0 + $1.residentKB } == 1_732)
        func mapping(at start: UInt) throws -> ResidentMemoryTrimmer.Mapping { try #require(mappings.first { $0.start == start }) }

        let libcCode = try mapping(at: 0x7fbd_1fe3_3000)
        #expect(libcCode.isReleasable && libcCode.pages == 342 && libcCode.residentKB == 884)
        #expect(try mapping(at: 0x5601_ff51_e000).isReleasable, "the binary's headers and constants")
        #expect(try mapping(at: 0x7fbd_1fda_a000).isReleasable, "a locale file")
        let libcRelocated = try mapping(at: 0x7fbd_1ffd_c000)
        #expect(!libcRelocated.isReleasable && libcRelocated.anonymousKB == 16, "read-only after relocation, but its pages are the process's own")
        #expect(try !mapping(at: 0x5601_ff52_7000).isReleasable, "the binary's relocated page")
        #expect(try !mapping(at: 0x7fbd_1ffe_0000).isReleasable, "writable")
        #expect(try !mapping(at: 0x7fbd_1fff_0000).isReleasable, "shared (r--s)")
        #expect(try !mapping(at: 0x7fbd_2000_0000).isReleasable, "vdso: no file")
        #expect(try !mapping(at: 0x5602_2351_3000).isReleasable, "heap")
        #expect(mappings.filter(\.isReleasable).count == 21)
    }

    @Test func splits_one_page_each_unless_that_would_pass_half_the_mapping_limit() {
        #expect(ResidentMemoryTrimmer.pagesPerMapping(releasablePages: 6_000, existing: 200, limit: 65_530) == 1)
        #expect(ResidentMemoryTrimmer.pagesPerMapping(releasablePages: 100_000, existing: 200, limit: 65_530) == 4)
        #expect(ResidentMemoryTrimmer.pagesPerMapping(releasablePages: 500, existing: 200, limit: 100) == 500, "no room: one mapping each")
    }

    @Test func numbers_parse_from_bytes_and_refuse_anything_else() {
        func bytes(_ text: String) -> ArraySlice<UInt8> { Array(text.utf8)[...] }
        #expect(ResidentMemoryTrimmer.decimal(bytes("65530")) == 65_530)
        #expect(ResidentMemoryTrimmer.decimal(bytes("")) == nil && ResidentMemoryTrimmer.decimal(bytes("12a")) == nil)
        #expect(ResidentMemoryTrimmer.decimal(bytes("99999999999999999999")) == nil, "overflow")
        #expect(ResidentMemoryTrimmer.hexadecimal(bytes("7fbd1fe33000")) == 0x7fbd_1fe3_3000)
        #expect(ResidentMemoryTrimmer.hexadecimal(bytes("7FBD")) == nil && ResidentMemoryTrimmer.hexadecimal(bytes("")) == nil)
        #expect(ResidentMemoryTrimmer.hexadecimal(bytes("10000000000000000")) == nil, "overflow")
        #expect(AgentMetrics.residentBytes(statm: "5924 2642 1540 3365 0 628 0\n") == 10_568 * 1024)
    }

    /// The agent (this build) at start: its resident code dropped and split, and everything after
    /// still runs: status server, collectors and spool, SIGTERM.
    @Test func the_agent_trims_at_start_and_keeps_working() async throws {
        let (agent, http) = try Self.launch(trim: nil)
        defer { Task { await http.shutdown() } }
        try #require(await agent.waitUntilServing(client: http)?.status == 200, "\(agent.child.output)")
        let line = try #require(agent.child.output.split(separator: "\n").first { $0.contains("msg=\"resident memory trimmed\"") })
        func value(_ key: String) -> Int? {
            line.split(separator: " ").first { $0.hasPrefix("\(key)=") }.flatMap { Int($0.dropFirst(key.count + 1)) }
        }
        let (before, after) = (try #require(value("resident_kb_before")), try #require(value("resident_kb_after")))
        #expect(after < before / 2, "\(line)")
        #expect(try #require(value("split_into")) > 1_000 && Self.mappingCount(agent) > 1_000)
        let state = try #require(agent.child.process.environment?["OPTRALIS_STATE_DIR"])
        #expect(
            await eventually(timeout: .seconds(30)) {
                ((try? FileManager.default.contentsOfDirectory(atPath: state + "/spool/metrics")) ?? []).contains { $0.hasSuffix(".json") }
            }, "collectors run and spool (the gateway does not answer)")
        agent.child.signal(SIGTERM)
        #expect(await agent.child.waitForExit(timeout: .seconds(10)) == 0, "\(agent.child.output.suffix(1000))")
    }

    @Test func can_be_turned_off_and_refuses_a_value_that_is_not_a_boolean() async throws {
        let (agent, http) = try Self.launch(trim: "false")
        defer { Task { await http.shutdown() } }
        try #require(await agent.waitUntilServing(client: http)?.status == 200, "\(agent.child.output)")
        #expect(!agent.child.output.contains("resident memory trimmed") && Self.mappingCount(agent) < 1_000)
        agent.child.signal(SIGTERM)
        #expect(await agent.child.waitForExit(timeout: .seconds(10)) == 0)

        let (config, state) = try AgentExecutableTests.enrolledDirectories()
        let refused = try await ChildProcess.run(
            TestEnvironment.binaryDirectory.appendingPathComponent("optralis-agent").path, ["run", "--config-dir", config, "--state-dir", state],
            environment: ["AGENT_TRIM_RESIDENT_MEMORY": "maybe", "AGENT_STATUS_PORT": String(try freePort())])
        #expect(refused.status == 78 && refused.output.contains("AGENT_TRIM_RESIDENT_MEMORY"), "\(refused.output)")
    }

    static func launch(trim: String?) throws -> (ServiceProcess, CurlClient) {
        let (config, state) = try AgentExecutableTests.enrolledDirectories()
        let port = try freePort()
        var environment = ["LOG_LEVEL": "info", "OPTRALIS_CONFIG_DIR": config, "OPTRALIS_STATE_DIR": state, "AGENT_STATUS_PORT": String(port)]
        environment["AGENT_TRIM_RESIDENT_MEMORY"] = trim
        return (try ServiceProcess.launch("optralis-agent", environment: environment, port: port), CurlClient(concurrency: 1))
    }

    static func mappingCount(_ agent: ServiceProcess) -> Int {
        (SystemFiles().read("/proc/\(agent.child.process.processIdentifier)/maps") ?? "").split(separator: "\n").count
    }
}
