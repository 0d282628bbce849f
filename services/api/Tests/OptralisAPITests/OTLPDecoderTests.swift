import Foundation
@testable import OptralisAPI
import OptralisTestSupport
import Testing

/// A protobuf writer for the tests: the bytes an OTLP exporter sends, built field by field.
struct ProtoWriter {
    var bytes: [UInt8] = []

    static func varint(_ value: UInt64) -> [UInt8] { OTLPController.varint(value) }

    mutating func key(_ field: Int, _ wire: UInt8) { bytes += Self.varint(UInt64(field << 3) | UInt64(wire)) }
    mutating func varint(_ field: Int, _ value: UInt64) {
        key(field, 0)
        bytes += Self.varint(value)
    }
    mutating func fixed64(_ field: Int, _ value: UInt64) {
        key(field, 1)
        bytes += (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
    mutating func data(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        bytes += Self.varint(UInt64(value.count)) + value
    }
    mutating func string(_ field: Int, _ value: String) { data(field, Array(value.utf8)) }
    mutating func message(_ field: Int, _ build: (inout ProtoWriter) -> Void) {
        var nested = ProtoWriter()
        build(&nested)
        data(field, nested.bytes)
    }

    static func keyValue(_ key: String, string value: String) -> [UInt8] {
        var writer = ProtoWriter()
        writer.string(1, key)
        writer.message(2) { $0.string(1, value) }
        return writer.bytes
    }

    /// An `ExportTraceServiceRequest` with one resource (`service.name`) and the given spans
    /// (trace byte, span byte, parent byte or 0, name, start, end, status code).
    static func request(service: String, spans: [(trace: UInt8, span: UInt8, parent: UInt8, name: String, start: UInt64, end: UInt64, status: UInt64)])
        -> [UInt8]
    {
        var request = ProtoWriter()
        request.message(1) { resourceSpans in
            resourceSpans.message(2) { scope in
                scope.message(1) { $0.string(1, "tests") }
                for span in spans {
                    scope.message(2) { s in
                        s.data(1, [UInt8](repeating: span.trace, count: 16))
                        s.data(2, [UInt8](repeating: span.span, count: 8))
                        if span.parent != 0 { s.data(4, [UInt8](repeating: span.parent, count: 8)) }
                        s.string(5, span.name)
                        s.varint(6, 2)
                        s.fixed64(7, span.start)
                        s.fixed64(8, span.end)
                        s.data(9, keyValue("http.route", string: "/checkout"))
                        s.message(9) { kv in
                            kv.string(1, "http.status_code")
                            kv.message(2) { $0.varint(3, 500) }
                        }
                        s.message(15) { status in
                            status.string(2, span.status == 2 ? "boom" : "")
                            status.varint(3, span.status)
                        }
                    }
                }
            }
            // The resource after its scopes: the decoder must still apply it.
            resourceSpans.message(1) { $0.data(1, keyValue("service.name", string: service)) }
        }
        return request.bytes
    }
}

/// The hand-written OTLP decoders (protobuf and JSON): what they keep, and that malformed,
/// truncated or oversized input is refused with an ``OTLPError`` (a 400) and never crashes.
@Suite("OTLP decoders")
struct OTLPDecoderTests {
    static let start: UInt64 = 1_765_000_000_000_000_000

    @Test func a_protobuf_request_becomes_spans_with_their_resource() throws {
        let body = ProtoWriter.request(
            service: "checkout",
            spans: [
                (1, 1, 0, "GET /checkout", Self.start, Self.start + 5_000_000, 0),
                (1, 2, 1, "SELECT carts", Self.start + 1_000, Self.start + 2_000_000, 2),
            ])
        let spans = try OTLPTraceDecoder.protobuf(body)
        #expect(spans.count == 2)
        #expect(spans[0].traceID == String(repeating: "01", count: 16) && spans[0].spanID == String(repeating: "01", count: 8))
        #expect(spans[0].parentSpanID == nil && spans[1].parentSpanID == String(repeating: "01", count: 8))
        #expect(spans[1].name == "SELECT carts" && spans[1].kind == 2 && spans[1].statusCode == 2 && spans[1].statusMessage == "boom")
        #expect(spans[0].serviceName == "checkout" && spans[0].attributes["service.name"] == .string("checkout"))
        #expect(spans[0].attributes["http.route"] == .string("/checkout") && spans[0].attributes["http.status_code"] == .int(500))
        #expect(spans[0].endUnixNano - spans[0].startUnixNano == 5_000_000)
    }

    @Test func every_truncation_of_a_valid_request_is_refused_or_read_never_a_crash() throws {
        let body = ProtoWriter.request(
            service: "checkout", spans: [(7, 1, 0, "root", Self.start, Self.start + 10, 1), (7, 2, 1, "child", Self.start, Self.start + 5, 0)])
        var refused = 0
        for length in 0..<body.count {
            do {
                _ = try OTLPTraceDecoder.protobuf(Array(body[..<length]))
            } catch let error as OTLPError {
                #expect(["INVALID_PROTOBUF", "INVALID_OTLP"].contains(error.code))
                refused += 1
            }
        }
        // Cut inside a field: most prefixes are refused (a prefix ending on a field boundary may read).
        #expect(refused > body.count / 2, "\(refused) of \(body.count)")
    }

    @Test func random_and_hostile_bytes_are_refused_with_a_400_code() throws {
        var generator = SeededGenerator(seed: 42)
        let valid = ProtoWriter.request(service: "s", spans: [(3, 4, 0, "x", Self.start, Self.start + 1, 0)])
        for _ in 0..<2_000 {
            var mutated = valid
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            do { _ = try OTLPTraceDecoder.protobuf(mutated) } catch is OTLPError {}
            let noise = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            do { _ = try OTLPTraceDecoder.protobuf(noise) } catch is OTLPError {}
        }
        let hostile: [(String, [UInt8])] = [
            ("a varint of 11 bytes", [0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01]),
            ("a length past the end", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]),
            ("a length of 2^64-1", [0x0A] + [UInt8](repeating: 0xFF, count: 9) + [0x01]),
            ("a group (wire type 3)", [0x0B, 0x0C]),
            ("field number 0", [0x00, 0x01]),
            ("resource_spans as a varint", [0x08, 0x01]),
            (
                "a span id of 3 bytes",
                {
                    var w = ProtoWriter()
                    w.message(1) {
                        $0.message(2) {
                            $0.message(2) { s in
                                s.data(1, [UInt8](repeating: 1, count: 16))
                                s.data(2, [1, 2, 3])
                                s.string(5, "x")
                                s.fixed64(7, 1)
                                s.fixed64(8, 2)
                            }
                        }
                    }
                    return w.bytes
                }()
            ),
            ("an end before the start", ProtoWriter.request(service: "s", spans: [(1, 1, 0, "x", Self.start, Self.start - 1, 0)])),
            ("a zero trace id", ProtoWriter.request(service: "s", spans: [(0, 1, 0, "x", Self.start, Self.start, 0)])),
            (
                "invalid UTF-8 in a name",
                {
                    var w = ProtoWriter()
                    w.message(1) { $0.message(2) { $0.message(2) { $0.data(5, [0xC3, 0x28]) } } }
                    return w.bytes
                }()
            ),
        ]
        for (what, bytes) in hostile {
            #expect(throws: OTLPError.self, "\(what)") { try OTLPTraceDecoder.protobuf(bytes) }
        }
    }

    @Test func limits_on_spans_strings_and_attributes() throws {
        let many = (0...OTLPLimits.maximumSpans).map { index in
            (
                trace: UInt8(1), span: UInt8(truncatingIfNeeded: index % 250 + 1), parent: UInt8(0), name: "s", start: Self.start, end: Self.start,
                status: UInt64(0)
            )
        }
        #expect { try OTLPTraceDecoder.protobuf(ProtoWriter.request(service: "s", spans: many)) } throws: { ($0 as? OTLPError)?.code == "TOO_MANY_SPANS" }
        let long = String(repeating: "é", count: 400) // 800 bytes
        let spans = try OTLPTraceDecoder.protobuf(ProtoWriter.request(service: "s", spans: [(1, 1, 0, long, Self.start, Self.start, 0)]))
        #expect(spans[0].name.utf8.count <= OTLPLimits.nameBytes && spans[0].name.allSatisfy { $0 == "é" }, "cut on a character boundary")
        let nul = try OTLPTraceDecoder.protobuf(ProtoWriter.request(service: "s", spans: [(1, 1, 0, "a\u{0}b", Self.start, Self.start, 0)]))
        #expect(nul[0].name == "a\u{FFFD}b", "PostgreSQL cannot store a NUL")
    }

    @Test func the_json_encoding_reads_the_same_spans() throws {
        let json = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
              "scopeSpans":[{"scope":{"name":"t"},"spans":[
                {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","name":"GET /","kind":2,
                 "startTimeUnixNano":"1765000000000000000","endTimeUnixNano":1765000000005000000,
                 "attributes":[{"key":"http.status_code","value":{"intValue":"200"}},{"key":"ok","value":{"boolValue":true}},
                               {"key":"ratio","value":{"doubleValue":0.5}},{"key":"list","value":{"arrayValue":{"values":[]}}}],
                 "status":{"code":2,"message":"x"}},
                {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b174","name":"child",
                 "startTimeUnixNano":"1765000000001000000","endTimeUnixNano":"1765000000002000000"}]}]}]}
            """
        let spans = try OTLPTraceDecoder.json(Array(json.utf8))
        #expect(spans.count == 2)
        #expect(spans[0].traceID == "5b8efff798038103d269b633813fc60c" && spans[0].serviceName == "checkout" && spans[0].statusCode == 2)
        #expect(
            spans[0].attributes["http.status_code"] == .int(200) && spans[0].attributes["ok"] == .bool(true) && spans[0].attributes["ratio"] == .double(0.5))
        #expect(spans[0].attributes["list"] == nil && spans[1].parentSpanID == "eee19b7ec3c1b174")
        #expect(spans[0].endUnixNano - spans[0].startUnixNano == 5_000_000)
        for bad in [
            "", "[]", "{\"resourceSpans\":{}}", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\"}]}]}]}",
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"x\",\"startTimeUnixNano\":\"-1\",\"endTimeUnixNano\":\"1\"}]}]}]}",
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"5b8efff798038103d269b633813fc60c\",\"spanId\":\"eee19b7ec3c1b174\",\"name\":\"x\",\"startTimeUnixNano\":\"99999999999999999999999\",\"endTimeUnixNano\":\"1\"}]}]}]}",
            String(repeating: "[", count: 100_000),
        ] {
            #expect(throws: OTLPError.self, "\(bad.prefix(80))") { try OTLPTraceDecoder.json(Array(bad.utf8)) }
        }
    }

    @Test func metrics_keep_gauges_and_sums_and_count_the_rest_as_rejected() throws {
        var request = ProtoWriter()
        request.message(1) { resource in
            resource.message(2) { scope in
                scope.message(2) { metric in
                    metric.string(1, "queue.depth")
                    metric.message(5) { gauge in
                        gauge.message(1) { point in
                            point.fixed64(3, Self.start)
                            point.fixed64(4, (12.5).bitPattern)
                        }
                    }
                }
                scope.message(2) { metric in
                    metric.string(1, "requests")
                    metric.message(7) { sum in
                        sum.message(1) { point in
                            point.fixed64(3, Self.start)
                            point.fixed64(6, UInt64(bitPattern: 42))
                            point.data(7, ProtoWriter.keyValue("route", string: "/"))
                        }
                        sum.varint(2, 2)
                    }
                }
                scope.message(2) { metric in
                    metric.string(1, "latency")
                    metric.message(9) { histogram in
                        histogram.message(1) { $0.fixed64(3, Self.start) }
                        histogram.message(1) { $0.fixed64(3, Self.start) }
                    }
                }
            }
        }
        let decoded = try OTLPMetricDecoder.protobuf(request.bytes)
        #expect(decoded.points.map(\.name) == ["queue.depth", "requests"] && decoded.points.map(\.value) == [12.5, 42] && decoded.rejected == 2)
        #expect(decoded.points[1].kind == .sum && decoded.points[1].attributes["route"] == .string("/"))
        for length in 0..<request.bytes.count { _ = try? OTLPMetricDecoder.protobuf(Array(request.bytes[..<length])) }
    }
}
