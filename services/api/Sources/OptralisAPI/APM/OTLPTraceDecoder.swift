import Foundation

/// `ExportTraceServiceRequest` (opentelemetry-proto, `collector/trace/v1`) to ``OTLPSpan``s, from
/// its protobuf (`application/x-protobuf`) or its JSON (`application/json`: lowerCamelCase
/// fields, hex ids, 64-bit integers as strings or numbers) encoding. Only the fields the api
/// keeps are read; the others are skipped. Spans are checked by ``OTLPSpan/validated()``.
enum OTLPTraceDecoder {
    // MARK: Protobuf

    static func protobuf(_ body: [UInt8]) throws -> [OTLPSpan] {
        do {
            var reader = ProtobufReader(body[...])
            var spans: [OTLPSpan] = []
            while let (field, wire) = try reader.nextField() {
                guard field == 1 else {
                    try reader.skip(wire)
                    continue
                } // resource_spans
                try ProtobufReader.expect(wire, .lengthDelimited, field: "resource_spans")
                try reader.message { try resourceSpans(&$0, into: &spans) }
            }
            return try spans.map { try $0.validated() }
        } catch let error as ProtobufError {
            throw OTLPError(message: "the protobuf body cannot be read: \(error.message)", code: "INVALID_PROTOBUF")
        }
    }

    /// `ResourceSpans`: the resource may come after its scopes, so the scopes are read last.
    private static func resourceSpans(_ reader: inout ProtobufReader, into spans: inout [OTLPSpan]) throws {
        var resource: [String: OTLPValue] = [:]
        var scopes: [ArraySlice<UInt8>] = []
        while let (field, wire) = try reader.nextField() {
            switch field {
            case 1: // resource
                try ProtobufReader.expect(wire, .lengthDelimited, field: "resource")
                resource = try reader.message { try OTLPAttributes.resource(&$0) }
            case 2: // scope_spans
                try ProtobufReader.expect(wire, .lengthDelimited, field: "scope_spans")
                scopes.append(try reader.lengthDelimited())
            default: try reader.skip(wire)
            }
        }
        for scope in scopes {
            var scopeReader = ProtobufReader(scope)
            while let (field, wire) = try scopeReader.nextField() {
                guard field == 2 else {
                    try scopeReader.skip(wire)
                    continue
                } // spans
                try ProtobufReader.expect(wire, .lengthDelimited, field: "spans")
                guard spans.count < OTLPLimits.maximumSpans else { throw OTLPError.tooManySpans }
                var span = try scopeReader.message { try self.span(&$0) }
                span.merge(resource: resource)
                spans.append(span)
            }
        }
    }

    private static func span(_ reader: inout ProtobufReader) throws -> OTLPSpan {
        var span = OTLPSpan()
        var attributesRead = 0
        while let (field, wire) = try reader.nextField() {
            switch field {
            case 1, 2, 4: // trace_id, span_id, parent_span_id
                try ProtobufReader.expect(wire, .lengthDelimited, field: "span ids")
                let id = OTLPSpan.hex(try reader.lengthDelimited())
                if field == 1 { span.traceID = id } else if field == 2 { span.spanID = id } else { span.parentSpanID = id.isEmpty ? nil : id }
            case 5:
                try ProtobufReader.expect(wire, .lengthDelimited, field: "name")
                span.name = try reader.string(maximum: OTLPLimits.nameBytes)
            case 6:
                try ProtobufReader.expect(wire, .varint, field: "kind")
                span.kind = Int(truncatingIfNeeded: min(try reader.varint(), 99))
            case 7, 8:
                try ProtobufReader.expect(wire, .fixed64, field: "times")
                let time = try reader.fixed64()
                if field == 7 { span.startUnixNano = time } else { span.endUnixNano = time }
            case 9:
                try ProtobufReader.expect(wire, .lengthDelimited, field: "attributes")
                attributesRead += 1
                guard attributesRead <= OTLPLimits.maximumAttributesRead else { throw OTLPError.invalid("too many attributes on a span") }
                if let (key, value) = try reader.message({ try OTLPAttributes.keyValue(&$0) }), span.attributes.count < OTLPLimits.maximumAttributes {
                    span.attributes[key] = value
                }
            case 15:
                try ProtobufReader.expect(wire, .lengthDelimited, field: "status")
                try reader.message { status in
                    while let (field, wire) = try status.nextField() {
                        switch field {
                        case 2:
                            try ProtobufReader.expect(wire, .lengthDelimited, field: "status.message")
                            let message = try status.string(maximum: OTLPLimits.valueBytes)
                            span.statusMessage = message.isEmpty ? nil : message
                        case 3:
                            try ProtobufReader.expect(wire, .varint, field: "status.code")
                            span.statusCode = Int(truncatingIfNeeded: min(try status.varint(), 99))
                        default: try status.skip(wire)
                        }
                    }
                }
            default: try reader.skip(wire)
            }
        }
        return span
    }

    // MARK: JSON

    static func json(_ body: [UInt8]) throws -> [OTLPSpan] {
        let root = try OTLPJSON.object(body)
        var spans: [OTLPSpan] = []
        for resourceSpans in try OTLPJSON.array(root["resourceSpans"], "resourceSpans") {
            let resourceSpans = try OTLPJSON.object(resourceSpans, "resourceSpans[]")
            let resource = try OTLPAttributes.json(try OTLPJSON.optionalObject(resourceSpans["resource"], "resource")?["attributes"])
            for scope in try OTLPJSON.array(resourceSpans["scopeSpans"], "scopeSpans") {
                for item in try OTLPJSON.array(try OTLPJSON.object(scope, "scopeSpans[]")["spans"], "spans") {
                    guard spans.count < OTLPLimits.maximumSpans else { throw OTLPError.tooManySpans }
                    let fields = try OTLPJSON.object(item, "spans[]")
                    var span = OTLPSpan()
                    span.traceID = try OTLPJSON.hexID(fields["traceId"], "traceId")
                    span.spanID = try OTLPJSON.hexID(fields["spanId"], "spanId")
                    let parent = try OTLPJSON.hexID(fields["parentSpanId"], "parentSpanId")
                    span.parentSpanID = parent.isEmpty ? nil : parent
                    span.name = ProtobufReader.truncated(try OTLPJSON.string(fields["name"], "name"), maximum: OTLPLimits.nameBytes)
                    span.kind = try OTLPJSON.small(fields["kind"], "kind")
                    span.startUnixNano = try OTLPJSON.unsigned(fields["startTimeUnixNano"], "startTimeUnixNano")
                    span.endUnixNano = try OTLPJSON.unsigned(fields["endTimeUnixNano"], "endTimeUnixNano")
                    span.attributes = try OTLPAttributes.json(fields["attributes"])
                    if let status = try OTLPJSON.optionalObject(fields["status"], "status") {
                        span.statusCode = try OTLPJSON.small(status["code"], "status.code")
                        let message = ProtobufReader.truncated(try OTLPJSON.string(status["message"], "status.message"), maximum: OTLPLimits.valueBytes)
                        span.statusMessage = message.isEmpty ? nil : message
                    }
                    span.merge(resource: resource)
                    spans.append(try span.validated())
                }
            }
        }
        return spans
    }
}
