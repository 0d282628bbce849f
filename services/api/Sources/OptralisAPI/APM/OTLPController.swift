import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OptralisCore
import OptralisRedis
import OptralisServer

/// OTLP/HTTP ingestion on the api's public port: `POST /v1/traces` (Business+) and
/// `POST /v1/metrics` (Enterprise: custom metrics), authenticated by an application's ingest
/// key (`Authorization: Bearer oapm_…` or `x-optralis-key`), bodies in `application/x-protobuf`
/// or `application/json`, uncompressed or `Content-Encoding: gzip` (an OpenTelemetry Collector's
/// default) or `deflate`, at most ``OTLPLimits/maximumBody`` bytes sent and inflated. The reply is
/// the OTLP `Export…ServiceResponse` in the request's encoding; metric points the api does not
/// keep (histograms, summaries) are reported as a partial success. Refusals are the api's JSON
/// errors: 401 `INVALID_INGEST_KEY`, 403 `PREMIUM_REQUIRED`, 400 for an unreadable body, 429
/// past `APM_INGEST_REQUESTS_PER_MINUTE` requests of one application (OTLP exporters retry
/// after `Retry-After`).
struct OTLPController {
    let store: APMStore
    let traces: APMTraceStore
    let gate: LicenceGate
    /// Requests per application a minute.
    let limiter: RateLimiter

    enum Encoding { case protobuf, json }
    enum Compression { case none, zlib }

    func addRoutes(to router: Router<APIRequestContext>) {
        router.post("v1/traces") { request, context -> Response in
            let (application, encoding, compression) = try await admit(request, tier: .business)
            let body = try await Self.body(request, compression)
            let spans = try Self.decoding { encoding == .protobuf ? try OTLPTraceDecoder.protobuf(body) : try OTLPTraceDecoder.json(body) }
            _ = try await traces.insert(spans, applicationID: application)
            return Self.reply(encoding, rejected: 0, message: nil)
        }
        router.post("v1/metrics") { request, context -> Response in
            let (application, encoding, compression) = try await admit(request, tier: .enterprise)
            let body = try await Self.body(request, compression)
            let decoded = try Self.decoding { encoding == .protobuf ? try OTLPMetricDecoder.protobuf(body) : try OTLPMetricDecoder.json(body) }
            _ = try await traces.insert(decoded.points, applicationID: application)
            return Self.reply(
                encoding, rejected: decoded.rejected,
                message: decoded.rejected == 0 ? nil : "only gauges and sums with a finite value and a time are kept; histograms and summaries are not")
        }
    }

    /// The application the key names, once its client's licence is checked, and the body's
    /// encoding and compression.
    private func admit(_ request: Request, tier: LicenceGate.Tier) async throws -> (UUID, Encoding, Compression) {
        guard let key = APMIngestKey.presented(authorization: request.headers[.authorization], header: request.headers[Self.keyHeader]),
            let application = try await store.application(keyHash: SecureToken.sha256Hex(key))
        else {
            throw APMError.ingestKeyRequired
        }
        try await gate.require(tier, clientID: application.clientID)
        if case .limited(let retryAfter) = await limiter.check(scope: "otlp", key: application.id.uuidString.lowercased()) {
            throw HTTPError.rateLimited(retryAfter: retryAfter)
        }
        let compression: Compression
        switch request.headers[.contentEncoding]?.trimmingCharacters(in: .whitespaces).lowercased() {
        case nil, "", "identity": compression = .none
        case "gzip", "x-gzip", "deflate": compression = .zlib
        case let coding?: throw APMError.unsupportedEncoding(coding)
        }
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        switch type {
        case "application/x-protobuf": return (application.id, .protobuf, compression)
        case "application/json": return (application.id, .json, compression)
        default: throw APMError.unsupportedMediaType
        }
    }

    static let keyHeader = HTTPField.Name("x-optralis-key")!

    private static func body(_ request: Request, _ compression: Compression) async throws -> [UInt8] {
        var buffer = try await request.body.collect(upTo: OTLPLimits.maximumBody)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        guard compression == .zlib else { return bytes }
        do {
            return try Gzip.inflate(bytes, limit: OTLPLimits.maximumBody)
        } catch .tooLarge {
            throw APMError.inflatedTooLarge
        } catch {
            throw APMError.invalidCompressedBody
        }
    }

    private static func decoding<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as OTLPError { throw error.appError }
    }

    /// `Export{Trace,Metrics}ServiceResponse`: empty, or with `partial_success` (field 1:
    /// `rejected_spans`/`rejected_data_points` 1, `error_message` 2).
    static func reply(_ encoding: Encoding, rejected: Int, message: String?) -> Response {
        switch encoding {
        case .json:
            var object: [String: Any] = [:]
            if rejected > 0 { object["partialSuccess"] = ["rejectedDataPoints": String(rejected), "errorMessage": message ?? ""] }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        case .protobuf:
            var bytes: [UInt8] = []
            if rejected > 0 {
                var inner: [UInt8] = [0x08] + varint(UInt64(rejected))
                if let message {
                    let text = Array(message.utf8)
                    inner += [0x12] + varint(UInt64(text.count)) + text
                }
                bytes = [0x0A] + varint(UInt64(inner.count)) + inner
            }
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        return out + [UInt8(value)]
    }
}
