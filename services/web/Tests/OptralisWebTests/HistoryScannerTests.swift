import Foundation
import Testing

@testable import OptralisWeb

@Suite("The history answers' fast reader agrees with JSONDecoder")
struct HistoryScannerTests {
    struct Encoded: Encodable {
        let hostname: String
        let range: String
        let source: String
        let points: [[String: Value]]
        enum Value: Encodable {
            case text(String), number(Double), null
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch self {
                case .text(let text): try container.encode(text)
                case .number(let number): try container.encode(number)
                case .null: try container.encodeNil()
                }
            }
        }
    }

    @Test func random_histories_read_the_same_as_through_jsondecoder() throws {
        var generator = SystemRandomNumberGenerator()
        let keys = ["cpu_percent", "ram_percent", "cpu_temp", "bytes_recv", "bytes_sent", "latency_ms", "used_percent", "cpu_max", "packet_loss"]
        let mounts = ["/", "/var", "C:\\", "/mnt/\"quoted\"", "/données", "/tab\there"]
        for round in 0..<200 {
            let points = (0..<Int.random(in: 0...60, using: &generator)).map { index -> [String: Encoded.Value] in
                var point: [String: Encoded.Value] = ["time": .text("2026-12-0\(1 + index % 9)T1\(index % 10):00:0\(index % 10)Z")]
                for key in keys where Bool.random(using: &generator) {
                    point[key] =
                        Bool.random(using: &generator)
                        ? .null : .number(Double.random(in: -1e9...1e9, using: &generator) / [1, 10, 1000, 1e6].randomElement(using: &generator)!)
                }
                if Bool.random(using: &generator) { point["mount_point"] = .text(mounts.randomElement(using: &generator)!) }
                return point
            }
            let encoder = JSONEncoder()
            if round % 2 == 0 { encoder.outputFormatting = [.prettyPrinted, .sortedKeys] }
            let body = Array(try encoder.encode(Encoded(hostname: "srv-\"\(round)\"", range: "30d", source: "hourly", points: points)))
            let scanned = try #require(HistoryScanner.points(body), "round \(round): \(String(decoding: body.prefix(300), as: UTF8.self))")
            let decoded = try JSONDecoder().decode(HistoryPoints.self, from: Data(body)).points
            #expect(scanned.count == decoded.count)
            for (left, right) in zip(scanned, decoded) {
                #expect(left == right, "round \(round)")
            }
        }
    }

    @Test func what_it_does_not_expect_is_left_to_jsondecoder() {
        for body in [
            #"{"points": [{"time": "x", "cpu_percent": {"nested": 1}}]}"#, #"{"points": [{"time": "x", "flag": true}]}"#,
            #"{"points": [{"time": "x"}"#, #"{"points": [{"time": "x"}]} trailing"#, #"[1, 2]"#, #"{"range": "1h"}"#, "",
            #"{"points": [{"time": "x", "cpu_percent": +1}]}"#,
        ] {
            #expect(HistoryScanner.points(Array(body.utf8)) == nil, "\(body)")
        }
        let nested = #"{"meta": {"a": [1, {"b": null}], "c": "d"}, "points": [{"time": "t", "cpu_percent": 1.5e1}], "ok": false}"#
        #expect(HistoryScanner.points(Array(nested.utf8))?.first?.cpuPercent == 15)
    }
}
