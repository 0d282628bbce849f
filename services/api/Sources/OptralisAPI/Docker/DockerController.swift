import Foundation
import Hummingbird
import OptralisCore
import OptralisServer

/// `/api/admin/docker/containers` (super_admin, through ``SuperAdminMiddleware``): list, inspect,
/// logs, stats, start, stop and restart the host's containers through the Docker Engine's
/// socket. Without `DOCKER_SOCKET` every route answers 404 `DOCKER_NOT_CONFIGURED`: the feature
/// does not exist on this installation (a 5xx would say the server failed, which it did not).
/// Start, stop and restart are recorded in the activity log (category `system`).
struct DockerController {
    let engine: DockerEngine?
    let activity: ActivityLogger

    /// Containers listed in one answer (`total` counts them all).
    static let maximumContainers = 500
    /// Logs read from the engine per request: the rest is cut and `truncated` set.
    static let maximumLogBytes = 1 << 20
    static let maximumTail = 5000
    /// Seconds the engine waits for a container to stop before killing it (`t`).
    static let maximumStopWait = 120

    struct Logs: ResponseEncodable {
        let id: String
        let lines: [DockerLogLine]
        let truncated: Bool
    }

    func addRoutes(to admin: RouterGroup<APIRequestContext>) {
        let group = admin.group("docker/containers")
        group.get("") { request, _ -> DockerViews.List in
            let all = try DockerInput.bool(request.uri.queryParameters, "all", default: true)
            let listed = try await requireEngine().json([DockerWire.ListedContainer].self, "/containers/json", query: [("all", all ? "true" : "false")])
            return DockerViews.List(containers: listed.prefix(Self.maximumContainers).map(DockerViews.Summary.init), total: listed.count)
        }
        group.get(":id") { _, context -> DockerViews.Details in
            let id = try DockerInput.containerID(context)
            return DockerViews.Details(try await requireEngine().json(DockerWire.Inspected.self, "/containers/\(id)/json"))
        }
        group.get(":id/logs") { request, context -> Logs in
            let id = try DockerInput.containerID(context)
            let query = request.uri.queryParameters
            let tail = try query.integer("tail", default: 200, in: 1...Self.maximumTail)
            let since = try DockerInput.since(query)
            let timestamps = try DockerInput.bool(query, "timestamps", default: false)
            let stdout = try DockerInput.bool(query, "stdout", default: true)
            let stderr = try DockerInput.bool(query, "stderr", default: true)
            guard stdout || stderr else { throw AppError.validation("stdout and stderr cannot both be false") }
            let engine = try requireEngine()
            // The frames are there only without a TTY: the container's configuration says which.
            let inspected = try await engine.json(DockerWire.Inspected.self, "/containers/\(id)/json")
            var parameters = [("stdout", stdout ? "1" : "0"), ("stderr", stderr ? "1" : "0"), ("tail", String(tail)), ("timestamps", timestamps ? "1" : "0")]
            if let since { parameters.append(("since", String(since))) }
            let response = try await engine.send(
                .get, "/containers/\(id)/logs", query: parameters, maximumBytes: Self.maximumLogBytes, keepingTruncatedBody: true)
            let lines = DockerLogFrames.lines(response.body, multiplexed: !(inspected.config?.tty ?? false))
            return Logs(id: DockerViews.clip(inspected.id) ?? id, lines: Array(lines.suffix(Self.maximumTail)), truncated: response.truncated)
        }
        group.get(":id/stats") { _, context -> DockerStatsView in
            let id = try DockerInput.containerID(context)
            // stream=false: one sample, taken after the engine has a previous one for the CPU share.
            return DockerStatsView(try await requireEngine().json(DockerWire.Stats.self, "/containers/\(id)/stats", query: [("stream", "false")]))
        }
        addAction("start", message: "Conteneur Docker démarré", to: group)
        addAction("stop", message: "Conteneur Docker arrêté", to: group)
        addAction("restart", message: "Conteneur Docker redémarré", to: group)
    }

    /// `POST :id/<action>`; stop and restart take `t`, the seconds to wait before the engine kills
    /// the container (0 to ``maximumStopWait``, 10 by default).
    private func addAction(_ action: String, message: String, to group: RouterGroup<APIRequestContext>) {
        group.post(":id/\(action)") { request, context -> DockerViews.ActionDone in
            let id = try DockerInput.containerID(context)
            var query: [(String, String)] = []
            var timeout = DockerEngine.timeout
            if action != "start" {
                let wait = try request.uri.queryParameters.integer("t", default: 10, in: 0...Self.maximumStopWait)
                query.append(("t", String(wait)))
                timeout += .seconds(wait)
            }
            let engine = try requireEngine()
            let identity = try context.requireIdentity()
            let response = try await engine.send(.post, "/containers/\(id)/\(action)", query: query, timeout: timeout)
            let changed = response.status != 304
            await activity.record(
                .system, message, metadata: ["container": id, "action": action, "changed": String(changed)], userID: identity.userID, ip: context.clientIP)
            return DockerViews.ActionDone(id: id, action: action, changed: changed)
        }
    }

    private func requireEngine() throws -> DockerEngine {
        guard let engine else {
            throw DockerError.notConfigured
        }
        return engine
    }
}
