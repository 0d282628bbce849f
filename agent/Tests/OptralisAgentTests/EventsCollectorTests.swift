import Foundation
import OptralisCore
import OptralisTestSupport
import Testing

@testable import OptralisAgent

private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
private let journal = fixtures.appendingPathComponent("journal/warnings.json").path

private func cursor(_ index: String, _ monotonic: String, _ realtime: String, _ xor: String) -> String {
    "s=4c1c7f0f0b0e4a0e9e7c8d6f5a4b3c2d;i=\(index);b=8e2d1c4b5a69788796a5b4c3d2e1f001;m=\(monotonic);t=\(realtime);x=\(xor)"
}

private let thirdCursor = cursor("1a2c7", "135795bda", "6277b3ac96613", "91e081099180be53")
private let oomCursor = cursor("1a2f3", "13f3fc654", "6277b448fd08d", "c3696ceb724e11ef")
private let lastCursor = cursor("1a301", "142964298", "6277b47e64d41", "6a7215106860db15")

/// Times as microseconds since 1970, as the journal counts them.
private func rows(_ events: [EventRecord]) -> [[String?]] {
    events.map { event in
        [
            String(Int64((event.time.timeIntervalSince1970 * 1_000_000).rounded())), event.logName, event.source,
            event.level, event.message, event.metadata.map { $0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") },
        ]
    }
}

@Suite("events collector")
struct EventsCollectorTests {
    @Test func journal_json_lines_become_events_with_level_source_and_unit() throws {
        let parsed = EventsCollector.parse(try String(contentsOfFile: journal, encoding: .utf8))

        #expect(
            rows(parsed.events) == [
                [
                    "1732260012345678", "journal", "kernel", "warning",
                    "EXT4-fs (sda1): warning: mounting fs with errors, running e2fsck is recommended", nil,
                ],
                [
                    "1732260074901122", "journal", "sshd", "error",
                    "error: kex_exchange_identification: Connection closed by remote host", "pid=48213 unit=ssh.service",
                ],
                [
                    "1732260081002003", "journal", "systemd", "error", "redis-server.service: Failed with result 'exit-code'.",
                    "pid=1 unit=init.scope",
                ],
                // Sent as bytes (a colour sequence, and é in Latin-1, which is not UTF-8).
                [
                    "1732260122555000", "journal", "backup.sh", "error",
                    "\u{1B}[31mbackup failed:\u{1B}[0m cannot open /srv/donn\u{FFFD}es: Permission denied", "pid=51007 unit=backup.service",
                ],
                [
                    "1732260190700800", "journal", "smartd", "critical", "Device: /dev/sda [SAT], 8 Currently unreadable (pending) sectors",
                    "pid=812 unit=smartmontools.service",
                ],
                [
                    "1732260245000333", "journal", "kernel", "error",
                    "Out of memory: Killed process 4242 (java) total-vm:8123456kB, anon-rss:6012344kB, file-rss:0kB, shmem-rss:0kB, UID:1001 pgtables:12340kB oom_score_adj:0",
                    nil,
                ],
                // The entry whose MESSAGE is null (over journalctl's field size limit) is skipped.
                [
                    "1732260301000001", "journal", "systemd-resolved", "warning",
                    "Using degraded feature set UDP instead of UDP+EDNS0 for DNS server 192.168.1.1.", "pid=377 unit=systemd-resolved.service",
                ],
            ])
        #expect(parsed.events.allSatisfy { $0.eventId == nil })
        #expect(parsed.lastCursor == lastCursor)
    }

    @Test func at_most_limit_events_are_kept_and_the_cursor_is_that_of_the_last_one_kept() throws {
        let output = try String(contentsOfFile: journal, encoding: .utf8)

        let three = EventsCollector.parse(output, limit: 3)
        #expect(three.events.map(\.source) == ["kernel", "sshd", "systemd"])
        #expect(three.lastCursor == thirdCursor)

        let six = EventsCollector.parse(output, limit: 6)
        #expect(six.events.count == 6)
        #expect(six.lastCursor == oomCursor)
    }

    @Test(arguments: [("0", "critical"), ("2", "critical"), ("3", "error"), ("4", "warning"), ("5", "info"), ("6", "info"), ("7", "info")])
    func syslog_priorities_map_to_levels(priority: (value: String, level: String)) {
        #expect(EventsCollector.level(priority: priority.value) == priority.level)
    }

    @Test func lines_that_are_not_journal_entries_are_ignored() {
        let parsed = EventsCollector.parse("-- No entries --\n\n{\"MESSAGE\":\"no time\"}\n")
        #expect(parsed.events.isEmpty)
        #expect(parsed.lastCursor == nil)
    }

    @Test func first_run_reads_the_last_hour_then_continues_after_the_committed_cursor() async throws {
        let tools = try FakeJournal()
        defer { tools.remove() }
        let collector = EventsCollector(stateDirectory: tools.directory + "/state", runner: tools.runner)

        let first = try await collector.collect()
        #expect(first.events.count == 7)
        #expect(await collector.pendingCursor() == lastCursor)
        #expect(!FileManager.default.fileExists(atPath: collector.cursorFile))

        try await collector.commit()
        #expect(try String(contentsOfFile: collector.cursorFile, encoding: .utf8) == lastCursor)
        #expect(await collector.pendingCursor() == nil)

        _ = try await collector.collect()
        let calls = try tools.calls()
        #expect(calls.count == 2)
        #expect(calls[0].hasSuffix("--since -1h --lines 2000"))
        #expect(calls[1].hasSuffix("--after-cursor \(lastCursor)"))
        #expect(calls.allSatisfy { $0.hasPrefix("--output=json --no-pager --all --priority=warning --output-fields=") })
    }

    @Test func a_cursor_the_journal_no_longer_knows_falls_back_to_the_last_hour() async throws {
        let tools = try FakeJournal(failAfterCursor: true)
        defer { tools.remove() }
        let collector = EventsCollector(stateDirectory: tools.directory + "/state", runner: tools.runner)
        try collector.saveCursor("s=0;i=0;b=0;m=0;t=0;x=0")

        let report = try await collector.collect()

        #expect(report.events.count == 7)
        let calls = try tools.calls()
        #expect(calls.count == 2)
        #expect(calls[0].hasSuffix("--after-cursor s=0;i=0;b=0;m=0;t=0;x=0"))
        #expect(calls[1].hasSuffix("--since -1h --lines 2000"))
    }

    @Test func without_journalctl_there_are_no_events_and_nothing_to_commit() async throws {
        let state = NSTemporaryDirectory() + "optralis-events-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: state) }
        let collector = EventsCollector(stateDirectory: state, runner: CommandRunner(searchPath: []))

        #expect(try await collector.collect().events.isEmpty)
        try await collector.commit()
        #expect(!FileManager.default.fileExists(atPath: collector.cursorFile))
    }

    @Test func live_collect_reads_this_machine_s_journal() async throws {
        let state = NSTemporaryDirectory() + "optralis-events-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: state) }
        let collector = EventsCollector(stateDirectory: state)

        let report = try await collector.collect()

        #expect(report.events.count <= EventsCollector.limit)
        #expect(report.events.allSatisfy { EventRecord.levels.contains($0.level) && $0.level != "info" })
        #expect(report.events.isEmpty == (await collector.pendingCursor() == nil))
    }
}

/// A `journalctl` that prints the fixture and records its arguments; with `failAfterCursor` it
/// rejects `--after-cursor` as journalctl does a cursor it cannot find.
private struct FakeJournal {
    let directory: String

    init(failAfterCursor: Bool = false) throws {
        directory = NSTemporaryDirectory() + "optralis-journal-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let reject = failAfterCursor ? "case \"$*\" in *--after-cursor*) exit 1 ;; esac" : ""
        let script = """
            #!/bin/sh
            echo "$*" >> "\(directory)/calls"
            \(reject)
            /bin/cat "\(journal)"

            """
        try writeExecutable(script, to: directory + "/journalctl")
    }

    var runner: CommandRunner { CommandRunner(searchPath: [directory]) }

    func calls() throws -> [String] {
        try String(contentsOfFile: directory + "/calls", encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}
