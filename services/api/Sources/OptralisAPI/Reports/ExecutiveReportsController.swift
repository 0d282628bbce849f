import Foundation
import Hummingbird
import OptralisCore
import OptralisReports

/// `/api/reports` (spec "Rapports Direction (Essentials+)"): `GET executive/weekly` (the last 7
/// days), `GET executive/monthly` (the last 30 days) and `POST generate` (a period and sections
/// of one's own), as JSON, or as PDF with `Accept: application/pdf` or `?format=pdf`.
///
/// Gates (docs/reports.md): JSON for every plan, with the simple content (summary, alerts,
/// resources, charts) below Essentials and the complete one (KPIs, trends, incidents, S.M.A.R.T.,
/// patches, health, recommendations) from Essentials; the PDF and the complete sections need
/// Essentials (403 `PREMIUM_REQUIRED`). Observers read them too.
struct ExecutiveReportsController {
    let builder: ExecutiveReportBuilder
    let gate: LicenceGate
    let inFlight = ReportsInFlight()

    /// `POST /api/reports/generate` reads only: observers may call it (``TenantMiddleware``).
    static let readingPosts: Set<String> = ["/api/reports/generate"]

    struct GenerateRequest: Decodable {
        let from: String?
        let to: String?
        let sections: [String]?
        let format: String?
    }

    func addRoutes(to group: RouterGroup<APIRequestContext>) {
        group.get("executive/weekly") { request, context -> Response in
            try await respond(request, context, kind: .weekly, period: .rolling(days: 7, now: Date()), sections: nil, format: nil)
        }
        group.get("executive/monthly") { request, context -> Response in
            try await respond(request, context, kind: .monthly, period: .rolling(days: 30, now: Date()), sections: nil, format: nil)
        }
        group.post("generate") { request, context -> Response in
            let body = try await request.decode(as: GenerateRequest.self, context: context)
            let period = try Self.period(from: body.from, to: body.to, now: Date())
            let sections = try body.sections.map(Self.sections)
            return try await respond(request, context, kind: .custom, period: period, sections: sections, format: body.format)
        }
    }

    private func respond(
        _ request: Request, _ context: APIRequestContext, kind: ExecutiveReportKind, period: ReportPeriod, sections: [ExecutiveSection]?,
        format bodyFormat: String?
    ) async throws -> Response {
        let clientID = try context.requireIdentity().requireClient()
        let pdf = try Self.wantsPDF(query: request.uri.queryParameters.get("format") ?? bodyFormat, accept: request.headers[.accept])
        if pdf { try await gate.require(.essentials, clientID: clientID) }
        if let sections, sections.contains(where: \.needsCompleteLevel) { try await gate.require(.essentials, clientID: clientID) }
        let built = try await inFlight.run(client: clientID) { () async throws -> (ExecutiveReport, [UInt8]?)? in
            guard let report = try await builder.build(clientID: clientID, kind: kind, period: period, sections: sections) else { return nil }
            return (report, pdf ? try ReportPDF(report: report).render() : nil)
        }
        guard let (report, bytes) = built else { throw APIError.notFound("client") }
        guard let bytes else { return try context.responseEncoder.encode(report, from: request, context: context) }
        let rendered = ReportPDF(report: report)
        return Response(
            status: .ok,
            headers: [.contentType: "application/pdf", .contentDisposition: "attachment; filename=\"\(rendered.fileName)\"", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `format=pdf` or `json` (query first, then body); without one, an `Accept` that names
    /// `application/pdf` asks for the PDF.
    static func wantsPDF(query format: String?, accept: String?) throws -> Bool {
        switch format?.lowercased() {
        case "pdf": return true
        case "json": return false
        case nil: return accept?.lowercased().contains("application/pdf") == true
        default: throw APIError.validation("format must be json or pdf")
        }
    }

    /// `from` before `to`, both ISO 8601, `to` not after now (a minute of clock skew allowed), at
    /// most ``ReportPeriod/maximumDays`` days.
    static func period(from: String?, to: String?, now: Date) throws -> ReportPeriod {
        guard let fromText = from, let toText = to else { throw APIError.validation("from and to are required (ISO 8601)") }
        guard fromText.count <= 40, toText.count <= 40, let start = Validation.date(fromText), let end = Validation.date(toText) else {
            throw APIError.validation("from and to must be ISO 8601 dates, e.g. 2026-11-01T00:00:00Z")
        }
        guard start < end else { throw APIError.validation("from must be before to") }
        guard end <= now.addingTimeInterval(60) else { throw APIError.validation("to must not be in the future") }
        guard end.timeIntervalSince(start) <= Double(ReportPeriod.maximumDays) * 86_400 else {
            throw APIError.validation("the period must not exceed \(ReportPeriod.maximumDays) days")
        }
        // A `to` within the allowed skew ends now; `from` must still come before it.
        guard start < min(end, now) else { throw APIError.validation("from must be in the past") }
        return ReportPeriod(from: start, to: min(end, now))
    }

    /// Known names, at least one, no more than there are sections.
    static func sections(_ names: [String]) throws -> [ExecutiveSection] {
        let known = ExecutiveSection.allCases.map(\.rawValue).joined(separator: ", ")
        guard !names.isEmpty, names.count <= ExecutiveSection.allCases.count * 2 else {
            throw APIError.validation("sections must list 1 to \(ExecutiveSection.allCases.count) of: \(known)")
        }
        return try names.map { name in
            guard let section = ExecutiveSection(rawValue: name) else {
                throw APIError.validation("unknown section \"\(name.prefix(40))\"; sections: \(known)")
            }
            return section
        }
    }
}
