import Foundation
import Hummingbird
import OptralisCore

/// The request decoder of every service's context: JSON with ISO 8601 dates, as Hummingbird's
/// default, but a body is refused with the API's own error shape and words
/// (``DecodingProblem``): 400 `BAD_REQUEST` for a body of the wrong shape, 400
/// `VALIDATION_ERROR` for a number out of range or a text holding a NUL (which PostgreSQL's text
/// types cannot store), naming the field.
public struct OptralisRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let body = Data(buffer: try await request.body.collect(upTo: context.maxUploadSize))
        return try Self.decode(type, from: body)
    }

    public static func decode<T: Decodable>(_ type: T.Type, from body: Data) throws -> T {
        if JSONNULEscapes.contains(body) {
            let field = (try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])).flatMap { fieldHoldingNUL($0, path: "") }
            throw AppError.validation("\(field.map { $0.isEmpty ? "the request body" : $0 } ?? "the request body") must not contain NUL characters (\\u0000)")
        }
        let decoder = JSONDecoder()
        // Foundation's own ISO 8601 strategy reports no coding path; this one names the field
        // (and also takes fractional seconds).
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = ISO8601Input.date(text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "Expected an ISO 8601 date"))
            }
            return date
        }
        do {
            return try decoder.decode(type, from: body)
        } catch let error as DecodingError {
            var problem = DecodingProblem(error)
            if problem.kind == .notJSON, let number = RejectedNumber.locate(in: body, decoding: type, with: decoder) { problem = number }
            switch problem.kind {
            case .outOfRange, .invalidValue: throw AppError.validation(problem.message)
            case .notJSON, .missing, .wrongType: throw AppError.badRequest(problem.message)
            }
        }
    }

    /// The JSON path of the first key or string holding a NUL.
    static func fieldHoldingNUL(_ value: Any, path: String) -> String? {
        switch value {
        case let text as String:
            return text.unicodeScalars.contains("\0") ? path : nil
        case let object as [String: Any]:
            for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                let childPath = path.isEmpty ? key : "\(path).\(key)"
                if key.unicodeScalars.contains("\0") { return childPath }
                if let found = fieldHoldingNUL(child, path: childPath) { return found }
            }
            return nil
        case let array as [Any]:
            for (index, child) in array.enumerated() {
                if let found = fieldHoldingNUL(child, path: "\(path)[\(index)]") { return found }
            }
            return nil
        default:
            return nil
        }
    }
}
