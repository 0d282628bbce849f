import Foundation
import HTTPTypes
import Hummingbird
import OptralisCore
import OptralisServer

extension HTTPField.Name {
    /// The client an internal call acts for (set by the api from the user's token).
    static let clientID = Self("X-Client-ID")!
    /// On a 304, whose body HTTP drops: `NO_NEW_DATA` or `NO_SIGNIFICANT_CHANGES`.
    static let analysisCode = Self("X-Optralis-Code")!
    /// On a 304: when the last analysis ran (ISO 8601).
    static let lastAnalysis = Self("X-Optralis-Last-Analysis")!
}

/// What every `/ai/*` route does with its request and its answer: the client it acts for
/// (`X-Client-ID`), the language asked for, and an analysis outcome as JSON.
enum AIRoute {
    /// 400 `CLIENT_ID_REQUIRED` without a valid `X-Client-ID`.
    static func clientID(_ request: Request) throws -> UUID {
        guard let value = request.headers[.clientID], let id = UUID(uuidString: value) else {
            throw AppError.badRequest("the X-Client-ID header (a client UUID) is required", code: "CLIENT_ID_REQUIRED")
        }
        return id
    }

    static func language(_ value: String?) throws -> AILanguage? {
        guard let value else { return nil }
        guard let language = AILanguage(rawValue: value.lowercased()) else {
            throw AppError.validation("language must be fr or en (got \"\(value)\")")
        }
        return language
    }

    static func response<Report: Encodable & Sendable>(_ outcome: AnalysisOutcome<Report>) -> Response {
        switch outcome {
        case .completed(let report):
            return json(AIJSON.data(report), status: .ok)
        case .refused(let decision, let language):
            let body = decision.body(language: language).map { AIJSON.data($0) } ?? Data("{}".utf8)
            var response = json(body, status: HTTPResponse.Status(code: decision.status))
            switch decision {
            case .noNewData(let last):
                response.headers[.analysisCode] = "NO_NEW_DATA"
                response.headers[.lastAnalysis] = last.formatted(.iso8601)
            case .noSignificantChanges(_, let last):
                response.headers[.analysisCode] = "NO_SIGNIFICANT_CHANGES"
                response.headers[.lastAnalysis] = last.formatted(.iso8601)
            default:
                break
            }
            return response
        }
    }

    static func json(_ body: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
