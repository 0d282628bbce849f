import Foundation
import Logging
import OptralisCurl

/// The web service's calls to the api, as the user: every page is built from the api's own
/// routes with the session's access token, so authorisation lives in the api alone. An expired
/// access token is refreshed once, transparently; a refused refresh ends the session.
struct APIClient: Sendable {
    let baseURL: String
    let http: CurlClient
    let sessions: SessionStore
    let logger: Logger

    /// The api's answer: its status and JSON body (an object, or nil).
    struct Reply: Sendable {
        let status: Int
        let body: [UInt8]
        /// Its headers (a download's type and file name, a 304's `X-Optralis-Code`).
        var headers: [(name: String, value: String)] = []
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
        /// A body that is an array of objects (`GET /api/groups`); empty otherwise.
        var list: [[String: Any]] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [[String: Any]] ?? [] }
        var code: String? { json["code"] as? String }
        var error: String? { json["error"] as? String }
        var ok: Bool { (200..<300).contains(status) }
        func header(_ name: String) -> String? { headers.last { $0.name.lowercased() == name.lowercased() }?.value }
    }

    enum Failure: Error {
        /// The session's tokens are no longer accepted: log in again.
        case loggedOut
        /// The api did not answer.
        case unavailable(String)
    }

    /// A call without a session (login, MFA, password reset, the public status page).
    func anonymous(_ method: OutboundRequest.Method, _ path: String, json: [String: Any]? = nil, clientIP: String?) async throws -> Reply {
        try await send(method, path, json: json, token: nil, clientIP: clientIP)
    }

    /// A call as the session's user. `session` is updated (and stored) when the tokens rotate.
    func call(
        _ method: OutboundRequest.Method, _ path: String, json: [String: Any]? = nil, session: inout WebSession, id: String, clientIP: String?
    ) async throws -> Reply {
        let token = session.token(for: path)
        let first = try await send(method, path, json: json, token: token, clientIP: clientIP)
        guard first.status == 401 else { return first }
        if let acting = session.acting, token == acting.accessToken {
            // The acting token lasts 15 minutes and has no refresh: ask for another with the
            // super_admin's own session (logged by the api like the first), or stop acting.
            let renewed = try await call(.post, "/api/admin/impersonate/\(acting.clientID)", session: &session, id: id, clientIP: clientIP)
            guard renewed.ok, let access = renewed.json["access_token"] as? String else {
                session.acting = nil
                try await sessions.save(session, id: id)
                return renewed
            }
            session.acting?.accessToken = access
            try await sessions.save(session, id: id)
            return try await send(method, path, json: json, token: access, clientIP: clientIP)
        }
        let refreshed = try await send(.post, "/auth/refresh", json: ["refresh_token": session.refreshToken], token: nil, clientIP: clientIP)
        guard refreshed.ok, let access = refreshed.json["access_token"] as? String, let refresh = refreshed.json["refresh_token"] as? String else {
            logger.info("session ended: refresh refused", metadata: ["status": "\(refreshed.status)", "code": "\(refreshed.code ?? "")"])
            await sessions.delete(id)
            throw Failure.loggedOut
        }
        session.accessToken = access
        session.refreshToken = refresh
        try await sessions.save(session, id: id)
        let second = try await send(method, path, json: json, token: access, clientIP: clientIP)
        if second.status == 401 {
            await sessions.delete(id)
            throw Failure.loggedOut
        }
        return second
    }

    /// A call with a token the session does not keep (a one-off impersonation token), never
    /// refreshed: a 401 is the answer.
    func call(_ method: OutboundRequest.Method, _ path: String, json: [String: Any]? = nil, token: String, clientIP: String?) async throws -> Reply {
        try await send(method, path, json: json, token: token, clientIP: clientIP)
    }

    /// GETs `paths` at once (a page's independent reads), in order. A 401 among them means the
    /// access token expired meanwhile: that call alone is made again through ``call`` (one
    /// refresh), never several refreshes racing with the same rotating refresh token.
    func getAll(_ paths: [String], session: inout WebSession, id: String, clientIP: String?) async throws -> [Reply] {
        let tokens = paths.map(session.token(for:))
        var replies = try await withThrowingTaskGroup(of: (Int, Reply).self) { group in
            for (index, path) in paths.enumerated() {
                group.addTask { (index, try await send(.get, path, json: nil, token: tokens[index], clientIP: clientIP)) }
            }
            var replies = [Reply?](repeating: nil, count: paths.count)
            for try await (index, reply) in group { replies[index] = reply }
            return replies.compactMap { $0 }
        }
        for index in replies.indices where replies[index].status == 401 {
            replies[index] = try await call(.get, paths[index], session: &session, id: id, clientIP: clientIP)
        }
        return replies
    }

    private func send(_ method: OutboundRequest.Method, _ path: String, json: [String: Any]?, token: String?, clientIP: String?) async throws -> Reply {
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let clientIP { headers.append(("X-Real-IP", clientIP)) }
        var body: [UInt8]?
        if let json {
            headers.append(("Content-Type", "application/json"))
            body = Array(try JSONSerialization.data(withJSONObject: json))
        }
        do {
            let response = try await http.send(OutboundRequest(method: method, url: baseURL + path, headers: headers, body: body, timeout: .seconds(15)))
            return Reply(status: response.status, body: response.body, headers: response.headers)
        } catch {
            logger.warning("api unreachable", metadata: ["path": "\(path)", "error": "\(error)"])
            throw Failure.unavailable("\(error)")
        }
    }
}
