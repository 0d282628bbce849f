import Foundation
import OptralisCore
import OptralisCurl

/// The Docker Engine API on its unix socket (`DOCKER_SOCKET`), through libcurl's
/// `CURLOPT_UNIX_SOCKET_PATH`. Paths carry an API version prefix (`/v1.44/…`) as Docker's own
/// clients do, so a newer engine keeps answering in the shapes read here.
///
/// Failures become API errors, never a 500: the socket unreachable 503 `DOCKER_UNAVAILABLE`, an
/// unknown container 404 `DOCKER_CONTAINER_NOT_FOUND`, a state the engine refuses 409
/// `DOCKER_CONFLICT`, anything else (including an answer that is not the expected JSON)
/// 502 `DOCKER_ENGINE_ERROR` with the engine's message, clipped.
struct DockerEngine: Sendable {
    let socketPath: String
    /// `DOCKER_API_VERSION`, e.g. `1.44`.
    let apiVersion: String
    let http: CurlClient

    static let defaultAPIVersion = "1.44"
    /// Answers other than logs: a host with a thousand containers lists in well under this.
    static let maximumJSONBytes = 8 << 20
    /// How long a read may take; stop and restart add the container's own grace period.
    static let timeout = Duration.seconds(20)

    /// `path` starts with `/` and holds only validated parts; `query` values are plain ASCII.
    func send(
        _ method: OutboundRequest.Method, _ path: String, query: [(String, String)] = [], timeout: Duration = timeout,
        maximumBytes: Int = maximumJSONBytes, keepingTruncatedBody: Bool = false
    ) async throws -> OutboundResponse {
        let queryString = query.isEmpty ? "" : "?" + query.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        var request = OutboundRequest(
            method: method, url: "http://localhost/v\(apiVersion)\(path)\(queryString)", timeout: timeout,
            maximumResponseBytes: maximumBytes, unixSocketPath: socketPath)
        request.keepsTruncatedBody = keepingTruncatedBody
        let response: OutboundResponse
        do {
            response = try await http.send(request)
        } catch is CancellationError {
            throw CancellationError()
        } catch let error as CurlError where error.message.contains("response larger than") {
            throw DockerError.answerTooLarge(maximumBytes: maximumBytes)
        } catch {
            throw DockerError.unreachable
        }
        switch response.status {
        case 200..<400: return response
        case 404: throw DockerError.containerNotFound(engineMessage: Self.message(response))
        case 409: throw DockerError.conflict(engineMessage: Self.message(response))
        default:
            throw DockerError.engineStatus(response.status, engineMessage: Self.message(response))
        }
    }

    /// A GET answered with JSON of type `T`.
    func json<T: Decodable>(_ type: T.Type, _ path: String, query: [(String, String)] = []) async throws -> T {
        let response = try await send(.get, path, query: query)
        guard let value = try? JSONDecoder().decode(T.self, from: Data(response.body)) else {
            throw DockerError.unexpectedAnswer(path: path)
        }
        return value
    }

    /// The engine's `{"message": …}`, clipped to 300 characters.
    static func message(_ response: OutboundResponse) -> String? {
        (try? JSONDecoder().decode(DockerWire.Message.self, from: Data(response.body)))?.message.map { String($0.prefix(300)) }
    }
}
