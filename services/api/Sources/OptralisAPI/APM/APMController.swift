import Foundation
import Hummingbird
import OptralisCore

/// `/api/apm/applications` (spec "APM - Application Performance Monitoring (Pro+)"): CRUD, the
/// ingest key (shown once at creation and at each rotation), the probe metrics, and the traces
/// (Business+). Every route needs Pro or above (403 `PREMIUM_REQUIRED`); observers read, admins
/// write (``TenantMiddleware``); another client's application is 404. See docs/apm.md.
struct APMController {
    let store: APMStore
    let traces: APMTraceStore
    let gate: LicenceGate
    let activity: ActivityLogger

    struct ApplicationList: ResponseEncodable {
        let applications: [APMApplication]
        /// nil: unlimited (Enterprise).
        let limit: Int?
        let traces: Bool
        let customMetrics: Bool
        enum CodingKeys: String, CodingKey { case applications, limit, traces, customMetrics = "custom_metrics" }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(applications, forKey: .applications)
            try container.encode(limit, forKey: .limit)
            try container.encode(traces, forKey: .traces)
            try container.encode(customMetrics, forKey: .customMetrics)
        }
    }

    /// An application with its ingest key, the one time it is shown.
    struct WithKey: ResponseEncodable {
        let application: APMApplication
        let ingestKey: String
        enum CodingKeys: String, CodingKey { case ingestKey = "ingest_key" }
        func encode(to encoder: any Encoder) throws {
            try application.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(ingestKey, forKey: .ingestKey)
        }
    }

    struct TraceList: ResponseEncodable {
        let traces: [APMTraceStore.TraceSummary]
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get { _, context -> ApplicationList in
            let (clientID, tier) = try await client(context)
            return ApplicationList(
                applications: try await store.all(clientID: clientID), limit: APMPolicy.maximumApplications(tierLevel: tier),
                traces: tier >= LicenceGate.Tier.business.rawValue, customMetrics: tier >= LicenceGate.Tier.enterprise.rawValue)
        }
        group.post { request, context -> EditedResponse<WithKey> in
            let (clientID, tier) = try await client(context)
            let input = try await validated(request, context, clientID: clientID, creating: true)
            if let limit = APMPolicy.maximumApplications(tierLevel: tier), try await store.count(clientID: clientID) >= limit {
                throw APMError.limit(limit)
            }
            let key = APMIngestKey.make()
            let created = try await store.create(clientID: clientID, input, key: key)
            await record(context, clientID, "Application APM créée", name: created.name)
            return EditedResponse(status: .created, response: WithKey(application: created, ingestKey: key.key))
        }
        group.get(":id") { _, context -> APMApplication in
            try await application(context, clientID: try await client(context).0)
        }
        group.put(":id") { request, context -> APMApplication in
            let clientID = try await client(context).0
            let id = try Validation.pathID(context)
            _ = try await application(context, clientID: clientID)
            guard let updated = try await store.update(id: id, clientID: clientID, try await validated(request, context, clientID: clientID, creating: false))
            else { throw APIError.notFound("application") }
            await record(context, clientID, "Application APM modifiée", name: updated.name)
            return updated
        }
        group.delete(":id") { _, context -> HTTPResponse.Status in
            let clientID = try await client(context).0
            guard try await store.delete(id: try Validation.pathID(context), clientID: clientID) else { throw APIError.notFound("application") }
            await record(context, clientID, "Application APM supprimée", name: nil)
            return .noContent
        }
        group.post(":id/rotate-key") { _, context -> WithKey in
            let clientID = try await client(context).0
            let id = try Validation.pathID(context)
            let key = APMIngestKey.make()
            guard try await store.rotateKey(id: id, clientID: clientID, key: key), let rotated = try await store.find(id: id, clientID: clientID) else {
                throw APIError.notFound("application")
            }
            await record(context, clientID, "Clé d'ingestion APM renouvelée", name: rotated.name)
            return WithKey(application: rotated, ingestKey: key.key)
        }
        group.get(":id/metrics") { request, context -> APMMetrics in
            let clientID = try await client(context).0
            let raw = request.uri.queryParameters["period"].map(String.init) ?? "24h"
            guard let period = APMMetrics.Period(rawValue: raw) else {
                throw APIError.validation("period must be one of \(APMMetrics.Period.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let app = try await application(context, clientID: clientID)
            let throughput = try await traces.spansPerMinute(applicationID: app.id, hours: period.seconds / 3600)
            return try await store.metrics(applicationID: app.id, period: period, throughput: throughput)
        }
        group.get(":id/traces") { request, context -> TraceList in
            let clientID = try await tracing(context)
            let hours = try Self.bounded(request, "hours", default: 24, in: 1...168)
            let limit = try Self.bounded(request, "limit", default: 50, in: 1...500)
            let app = try await application(context, clientID: clientID)
            return TraceList(traces: try await traces.traces(applicationID: app.id, hours: hours, limit: limit))
        }
        group.get(":id/traces/:traceId") { _, context -> APMTrace in
            let clientID = try await tracing(context)
            guard let traceID = context.parameters.get("traceId")?.lowercased(), traceID.wholeMatch(of: /[0-9a-f]{32}/) != nil else {
                throw APIError.validation("the traceId must be 32 hexadecimal digits")
            }
            let app = try await application(context, clientID: clientID)
            guard let trace = APMTrace(traceID: traceID, spans: try await traces.spans(applicationID: app.id, traceID: traceID)) else {
                throw APIError.notFound("trace")
            }
            return trace
        }
    }

    /// The caller's client and its tier level, once its licence is checked (Pro or above).
    private func client(_ context: APIRequestContext) async throws -> (UUID, Int) {
        let clientID = try context.requireIdentity().requireClient()
        try await gate.require(.pro, clientID: clientID)
        return (clientID, try await gate.settings.settings(clientID).tierLevel)
    }

    /// The traces need Business or above.
    private func tracing(_ context: APIRequestContext) async throws -> UUID {
        let clientID = try context.requireIdentity().requireClient()
        try await gate.require(.business, clientID: clientID)
        return clientID
    }

    private func application(_ context: APIRequestContext, clientID: UUID) async throws -> APMApplication {
        guard let found = try await store.find(id: try Validation.pathID(context), clientID: clientID) else { throw APIError.notFound("application") }
        return found
    }

    /// The body, validated; a machine of another client is refused like an unknown one.
    private func validated(_ request: Request, _ context: APIRequestContext, clientID: UUID, creating: Bool) async throws -> APMApplicationInput {
        let input = try APMApplicationInput(try await request.decode(as: APMApplicationInput.Body.self, context: context), creating: creating)
        if let machine = input.machineID, try await !store.ownsMachine(machine, clientID: clientID) {
            throw APIError.validation("machine_id is not a machine of this client")
        }
        return input
    }

    /// A query integer within `range` (absent: `default`).
    private static func bounded(_ request: Request, _ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let raw = request.uri.queryParameters[Substring(name)] else { return value }
        guard raw.utf8.count <= 6, let number = Int(raw), range.contains(number) else {
            throw APIError.validation("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private func record(_ context: APIRequestContext, _ clientID: UUID, _ message: String, name: String?) async {
        let identity = try? context.requireIdentity()
        await activity.record(.system, message, metadata: name.map { ["name": $0] } ?? [:], clientID: clientID, userID: identity?.userID, ip: context.clientIP)
    }
}

extension APMApplication: ResponseEncodable {}
