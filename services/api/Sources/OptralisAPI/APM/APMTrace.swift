import Foundation
import Hummingbird

/// One trace as `GET /api/apm/applications/:id/traces/:traceId` shows it: its spans in tree
/// order (each parent before its children, siblings by start time) with their depth and their
/// offset from the trace's start, what a waterfall draws. A span whose parent is not stored (not
/// received yet, or sent to another application) is shown as a root.
struct APMTrace: ResponseEncodable {
    static let maximumSpans = 5_000

    let traceID: String
    let startUnixNano: Int64
    let durationNs: Int64
    let spans: [Placed]

    enum CodingKeys: String, CodingKey { case traceID = "trace_id", startUnixNano = "start_unix_nano", durationNs = "duration_ns", spans }

    struct Span: Sendable {
        let spanID: String
        let parentSpanID: String?
        let name: String
        let kind: Int
        let serviceName: String?
        let startUnixNano: Int64
        let durationNs: Int64
        let statusCode: Int
        let statusMessage: String?
        /// Decoded from the stored `jsonb` (an object of scalars).
        let attributes: [String: OTLPValue]
    }

    struct Placed: Encodable {
        let span: Span
        let depth: Int
        let offsetNs: Int64

        enum CodingKeys: String, CodingKey {
            case spanID = "span_id", parentSpanID = "parent_span_id", name, kind, serviceName = "service_name", offsetNs = "offset_ns"
            case durationNs = "duration_ns", statusCode = "status_code", statusMessage = "status_message", attributes, depth
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(span.spanID, forKey: .spanID)
            try container.encode(span.parentSpanID, forKey: .parentSpanID)
            try container.encode(span.name, forKey: .name)
            try container.encode(span.kind, forKey: .kind)
            try container.encode(span.serviceName, forKey: .serviceName)
            try container.encode(offsetNs, forKey: .offsetNs)
            try container.encode(span.durationNs, forKey: .durationNs)
            try container.encode(span.statusCode, forKey: .statusCode)
            try container.encode(span.statusMessage, forKey: .statusMessage)
            try container.encode(span.attributes, forKey: .attributes)
            try container.encode(depth, forKey: .depth)
        }
    }

    /// nil without spans. `spans` come by start time.
    init?(traceID: String, spans: [Span]) {
        guard let start = spans.map(\.startUnixNano).min(), let end = spans.map({ $0.startUnixNano &+ $0.durationNs }).max() else { return nil }
        self.traceID = traceID
        startUnixNano = start
        durationNs = end - start
        let known = Set(spans.map(\.spanID))
        var children: [String: [Span]] = [:]
        var roots: [Span] = []
        for span in spans {
            if let parent = span.parentSpanID, parent != span.spanID, known.contains(parent) {
                children[parent, default: []].append(span)
            } else {
                roots.append(span)
            }
        }
        // Depth first without recursion; `visited` guards against a cycle of parent ids.
        var placed: [Placed] = []
        var visited = Set<String>()
        var stack: [(Span, Int)] = roots.reversed().map { ($0, 0) }
        while let (span, depth) = stack.popLast() {
            guard visited.insert(span.spanID).inserted else { continue }
            placed.append(Placed(span: span, depth: depth, offsetNs: span.startUnixNano - start))
            stack += (children[span.spanID] ?? []).reversed().map { ($0, depth + 1) }
        }
        // Spans only reachable through a cycle: shown as roots.
        for span in spans where !visited.contains(span.spanID) {
            visited.insert(span.spanID)
            placed.append(Placed(span: span, depth: 0, offsetNs: span.startUnixNano - start))
        }
        self.spans = placed
    }
}
