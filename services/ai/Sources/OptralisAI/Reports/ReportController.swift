import Foundation
import Hummingbird
import Logging
import OptralisCore
import OptralisServer
import PostgresNIO

/// `/ai/reports…`: generate a daily, weekly or monthly report of the client's fleet (or of one
/// machine) as a stored, self-contained HTML page (2 quota units), list them, fetch one and
/// download its HTML, all from the Essentials licence. The spec gates only the reading routes;
/// generating is gated too, before any quota is spent, so no client pays for a report it cannot
/// open. `email_to` queues a `report_notification` job per address for the notifier.
struct ReportController: Sendable {
    let database: PostgresClient
    let generator: ReportGenerator
    let defaultLanguage: AILanguage
    let access: AIAccess
    let logger: Logger

    struct GenerateRequest: Decodable {
        let reportType: String?
        let format: String?
        let language: String?
        let machineID: UUID?
        let emailTo: [String]?
        enum CodingKeys: String, CodingKey { case reportType = "report_type", format, language, machineID = "machine_id", emailTo = "email_to" }
    }

    struct Generated: Encodable {
        let report: ReportStore.Summary
        let emailsQueued: Int
        let narrativeAvailable: Bool
        let quotaCost: Int
        enum CodingKeys: String, CodingKey { case report, emailsQueued = "emails_queued", narrativeAvailable = "narrative_available", quotaCost = "quota_cost" }
    }

    struct Listed: Encodable { let reports: [ReportStore.Summary] }

    struct Detail: Encodable {
        let report: ReportStore.Summary
        let content: JSONValue
    }

    /// Essentials (tier 2) and above generate and read stored reports.
    static let readingTier = 2

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        let group = access.group(router, "ai/reports")
        group.post("generate") { request, context -> Response in
            let clientID = try await reader(request)
            return try await generate(try await request.decode(as: GenerateRequest.self, context: context), clientID: clientID)
        }
        group.get { request, _ -> Response in
            let clientID = try await reader(request)
            let limit = try request.uri.queryParameters.integer("limit", default: 20, in: 1...100)
            return AIRoute.json(AIJSON.data(Listed(reports: try await ReportStore(client: database, logger: logger).list(clientID: clientID, limit: limit))))
        }
        group.get(":id") { request, context -> Response in
            let (summary, content, _) = try await stored(request, context)
            return AIRoute.json(AIJSON.data(Detail(report: summary, content: try JSONValue(parsing: content))))
        }
        group.get(":id/download") { request, context -> Response in
            let (summary, _, html) = try await stored(request, context)
            let name = "optralis-\(summary.reportType)-\(summary.periodStart.formatted(.iso8601.year().month().day())).html"
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: html)))
        }
    }

    private func generate(_ body: GenerateRequest, clientID: UUID) async throws -> Response {
        guard let kind = ReportDocument.Kind(rawValue: body.reportType ?? "daily") else {
            throw AppError.validation("report_type must be daily, weekly or monthly")
        }
        guard let format = ReportDocument.Format(rawValue: body.format ?? "executive") else {
            throw AppError.validation("format must be executive or technical")
        }
        let language = try AIRoute.language(body.language) ?? defaultLanguage
        let recipients = (body.emailTo ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
        guard recipients.count <= 20, recipients.allSatisfy(EmailAddress.isValid) else {
            throw AppError.validation("email_to must hold at most 20 email addresses")
        }
        let request = ReportGenerator.Request(kind: kind, format: format, language: language, machineID: body.machineID, recipients: recipients)
        switch try await generator.generate(request, clientID: clientID, now: Date()) {
        case .generated(let report, let emails, let narrativeAvailable):
            return AIRoute.json(
                AIJSON.data(Generated(report: report, emailsQueued: emails, narrativeAvailable: narrativeAvailable, quotaCost: AnalysisKind.report.cost)),
                status: .created)
        case .quotaExceeded(let status):
            let body = status.flatMap { GateDecision.quotaExceeded($0).body(language: language) }
            return AIRoute.json(body.map { AIJSON.data($0) } ?? Data("{}".utf8), status: .tooManyRequests)
        case .clientNotFound:
            throw AppError.notFound("client not found", code: "CLIENT_NOT_FOUND")
        case .machineNotFound:
            throw AppError.notFound("machine not found", code: "NOT_FOUND")
        }
    }

    /// The client of a report route, once its licence is Essentials or above.
    private func reader(_ request: Request) async throws -> UUID {
        let clientID = try AIRoute.clientID(request)
        var tier: Int?
        for try await level in try await database.query(
            "SELECT lt.tier_level FROM clients c JOIN license_types lt ON lt.code = c.license_type WHERE c.id = \(clientID)", logger: logger
        ).decode(Int.self) { tier = level }
        guard let tier else { throw AppError.notFound("client not found", code: "CLIENT_NOT_FOUND") }
        guard tier >= Self.readingTier else { throw AppError.forbidden("stored reports need the Essentials licence or above", code: "PREMIUM_REQUIRED") }
        return clientID
    }

    private func stored(_ request: Request, _ context: some RequestContext) async throws -> (ReportStore.Summary, String, String) {
        let clientID = try await reader(request)
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw AppError.validation("the id must be a UUID") }
        guard let found = try await ReportStore(client: database, logger: logger).find(id: id, clientID: clientID) else {
            throw AppError.notFound("report not found", code: "NOT_FOUND")
        }
        return found
    }
}
