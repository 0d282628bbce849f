import Foundation

/// One OTLP gauge or sum data point (`apm_metric_points`).
struct OTLPMetricPoint: Sendable, Equatable {
    enum Kind: String, Sendable { case gauge, sum }
    var name: String
    var kind: Kind
    var timeUnixNano: UInt64
    var value: Double
    var attributes: [String: OTLPValue]
}

/// `ExportMetricsServiceRequest` (opentelemetry-proto, `collector/metrics/v1`), protobuf or JSON:
/// gauges and sums are kept; histograms, exponential histograms and summaries, and points
/// without a finite value or a time, are counted as rejected (the OTLP partial success).
enum OTLPMetricDecoder {
    struct Decoded: Equatable {
        var points: [OTLPMetricPoint] = []
        var rejected = 0
    }

    static func protobuf(_ body: [UInt8]) throws -> Decoded {
        do {
            var decoded = Decoded()
            var reader = ProtobufReader(body[...])
            while let (field, wire) = try reader.nextField() {
                guard field == 1 else {
                    try reader.skip(wire)
                    continue
                } // resource_metrics
                try ProtobufReader.expect(wire, .lengthDelimited, field: "resource_metrics")
                try reader.message { resource in
                    while let (field, wire) = try resource.nextField() {
                        guard field == 2 else {
                            try resource.skip(wire)
                            continue
                        } // scope_metrics
                        try ProtobufReader.expect(wire, .lengthDelimited, field: "scope_metrics")
                        try resource.message { scope in
                            while let (field, wire) = try scope.nextField() {
                                guard field == 2 else {
                                    try scope.skip(wire)
                                    continue
                                } // metrics
                                try ProtobufReader.expect(wire, .lengthDelimited, field: "metrics")
                                try scope.message { try metric(&$0, into: &decoded) }
                            }
                        }
                    }
                }
            }
            return decoded
        } catch let error as ProtobufError {
            throw OTLPError(message: "the protobuf body cannot be read: \(error.message)", code: "INVALID_PROTOBUF")
        }
    }

    private static func metric(_ reader: inout ProtobufReader, into decoded: inout Decoded) throws {
        var name = ""
        var points: [(OTLPMetricPoint.Kind, ArraySlice<UInt8>)] = []
        while let (field, wire) = try reader.nextField() {
            switch field {
            case 1:
                try ProtobufReader.expect(wire, .lengthDelimited, field: "name")
                name = try reader.string(maximum: OTLPLimits.nameBytes)
            case 5, 7, 9, 10, 11: // gauge, sum, histogram, exponential histogram, summary
                try ProtobufReader.expect(wire, .lengthDelimited, field: "data")
                let kind: OTLPMetricPoint.Kind? = field == 5 ? .gauge : field == 7 ? .sum : nil
                try reader.message { data in
                    while let (field, wire) = try data.nextField() {
                        guard field == 1 else {
                            try data.skip(wire)
                            continue
                        } // data_points
                        try ProtobufReader.expect(wire, .lengthDelimited, field: "data_points")
                        let point = try data.lengthDelimited()
                        if let kind { points.append((kind, point)) } else { try count(rejected: 1, &decoded) }
                    }
                }
            default: try reader.skip(wire)
            }
        }
        for (kind, bytes) in points {
            var point = ProtobufReader(bytes)
            var time: UInt64 = 0
            var value: Double?
            var attributes: [String: OTLPValue] = [:]
            while let (field, wire) = try point.nextField() {
                switch (field, wire) {
                case (3, .fixed64): time = try point.fixed64()
                case (4, .fixed64): value = Double(bitPattern: try point.fixed64())
                case (6, .fixed64): value = Double(Int64(bitPattern: try point.fixed64()))
                case (7, .lengthDelimited):
                    if let (key, item) = try point.message({ try OTLPAttributes.keyValue(&$0) }), attributes.count < OTLPLimits.maximumAttributes {
                        attributes[key] = item
                    }
                case (3, _), (4, _), (6, _), (7, _): throw ProtobufError("data point field \(field) has the wrong wire type")
                default: try point.skip(wire)
                }
            }
            try add(name: name, kind: kind, time: time, value: value, attributes: attributes, into: &decoded)
        }
    }

    static func json(_ body: [UInt8]) throws -> Decoded {
        var decoded = Decoded()
        let root = try OTLPJSON.object(body)
        for resource in try OTLPJSON.array(root["resourceMetrics"], "resourceMetrics") {
            for scope in try OTLPJSON.array(try OTLPJSON.object(resource, "resourceMetrics[]")["scopeMetrics"], "scopeMetrics") {
                for item in try OTLPJSON.array(try OTLPJSON.object(scope, "scopeMetrics[]")["metrics"], "metrics") {
                    let metric = try OTLPJSON.object(item, "metrics[]")
                    let name = ProtobufReader.truncated(try OTLPJSON.string(metric["name"], "name"), maximum: OTLPLimits.nameBytes)
                    for (key, kind) in [("gauge", OTLPMetricPoint.Kind.gauge), ("sum", .sum)] {
                        guard let data = try OTLPJSON.optionalObject(metric[key], key) else { continue }
                        for raw in try OTLPJSON.array(data["dataPoints"], "dataPoints") {
                            let point = try OTLPJSON.object(raw, "dataPoints[]")
                            var value: Double?
                            if let number = point["asDouble"] as? NSNumber { value = number.doubleValue }
                            if let number = point["asInt"] { value = Double(try OTLPJSON.signed(number, "asInt")) }
                            let time = point["timeUnixNano"].map { try? OTLPJSON.unsigned($0, "timeUnixNano") } ?? nil
                            try add(
                                name: name, kind: kind, time: time ?? 0, value: value, attributes: try OTLPAttributes.json(point["attributes"]), into: &decoded)
                        }
                    }
                    for key in ["histogram", "exponentialHistogram", "summary"] {
                        guard let data = try OTLPJSON.optionalObject(metric[key], key) else { continue }
                        try count(rejected: try OTLPJSON.array(data["dataPoints"], "dataPoints").count, &decoded)
                    }
                }
            }
        }
        return decoded
    }

    private static func add(
        name: String, kind: OTLPMetricPoint.Kind, time: UInt64, value: Double?, attributes: [String: OTLPValue], into decoded: inout Decoded
    ) throws {
        guard let value, value.isFinite, time > 0, time <= UInt64(Int64.max), !name.isEmpty else { return try count(rejected: 1, &decoded) }
        guard decoded.points.count + decoded.rejected < OTLPLimits.maximumDataPoints else { throw OTLPError.tooManyPoints }
        decoded.points.append(OTLPMetricPoint(name: name, kind: kind, timeUnixNano: time, value: value, attributes: attributes))
    }

    private static func count(rejected: Int, _ decoded: inout Decoded) throws {
        decoded.rejected += rejected
        guard decoded.points.count + decoded.rejected <= OTLPLimits.maximumDataPoints else { throw OTLPError.tooManyPoints }
    }
}
