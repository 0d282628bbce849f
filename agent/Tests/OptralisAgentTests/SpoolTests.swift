import Foundation
@testable import OptralisAgent
import Testing

@Suite("Agent spool")
struct SpoolTests {
    func directory() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)").path }

    @Test func posts_are_numbered_kept_in_order_and_survive_a_restart() async throws {
        let path = directory()
        let spool = Spool(directory: path)
        for index in 1...3 { try await spool.append(kind: "metrics", data: Data(#"{"cpu_percent":\#(index),"ram_percent":1}"#.utf8)) }
        try await spool.append(kind: "storage", data: Data(#"{"disks":[]}"#.utf8))
        let first = try #require(await spool.next(kind: "metrics"))
        #expect(first.sequence == 1)
        let body = try JSONSerialization.jsonObject(with: try #require(await spool.body(of: first))) as? [String: Any]
        #expect(body?["collector"] as? String == "metrics" && body?["sequence"] as? Int == 1 && (body?["data"] as? [String: Any])?["cpu_percent"] as? Int == 1)
        await spool.remove(first)
        #expect(await spool.next(kind: "metrics")?.sequence == 2)

        // A new process (after a crash or reboot) goes on from the files and the saved counters.
        let again = Spool(directory: path)
        #expect(await again.usage().posts == 3)
        #expect(try await again.append(kind: "metrics", data: Data("{}".utf8)).sequence == 4)
        #expect(try await again.append(kind: "storage", data: Data("{}".utf8)).sequence == 2)
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test func a_batch_takes_each_collectors_oldest_posts_in_turn_within_its_limits() async throws {
        let path = directory()
        let spool = Spool(directory: path)
        for index in 1...5 { try await spool.append(kind: "metrics", data: Data(#"{"cpu_percent":\#(index),"ram_percent":1}"#.utf8)) }
        try await spool.append(kind: "network", data: Data(#"{"interfaces":[]}"#.utf8))
        try await spool.append(kind: "storage", data: Data(#"{"disks":[]}"#.utf8))
        let batch = await spool.heads(limit: 5, maximumBytes: 1 << 20)
        // Collectors in turn (a metrics backlog does not hold back the others), each in order.
        #expect(batch.map { "\($0.kind)#\($0.sequence)" } == ["metrics#1", "network#1", "storage#1", "metrics#2", "metrics#3"])
        let size = try #require(FileManager.default.attributesOfItem(atPath: batch[0].path)[.size] as? Int)
        #expect(await spool.heads(limit: 64, maximumBytes: size * 2 + 1).count == 2, "about the byte limit")
        #expect(await spool.heads(limit: 64, maximumBytes: 1).count == 1, "one post always goes, however large")
        try? FileManager.default.removeItem(atPath: path)
    }

    @Test func a_corrupt_file_is_dropped_and_counted_and_the_size_cap_drops_the_oldest() async throws {
        let path = directory()
        let spool = Spool(directory: path, maximumBytes: 1_000)
        let entry = try await spool.append(kind: "events", data: Data(#"{"events":[]}"#.utf8))
        try Data("{\"collector\":\"ev".utf8).write(to: URL(fileURLWithPath: entry.path))
        #expect(await spool.body(of: entry) == nil)
        #expect(await spool.next(kind: "events") == nil)
        let padding = String(repeating: "x", count: 300)
        for _ in 1...5 { try await spool.append(kind: "software", data: Data(#"{"pad":"\#(padding)"}"#.utf8)) }
        let usage = await spool.usage()
        #expect(usage.bytes <= 1_000 && usage.posts == 2, "\(usage)")
        #expect(await spool.next(kind: "software")?.sequence == 4, "the oldest went first")
        let losses = await spool.takeLosses()
        #expect(losses.dropped == 3 && losses.corrupt == 1)
        #expect(await spool.takeLosses() == (0, 0), "reported once")
        try? FileManager.default.removeItem(atPath: path)
    }
}
