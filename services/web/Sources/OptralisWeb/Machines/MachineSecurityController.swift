import Foundation
import Hummingbird
import OptralisCore

/// The machine page's security actions for admins: its risk exceptions (a finding accepted, a
/// false positive or mitigated, for good or until a date) added through a form and removed, and
/// its certificate renewed by its agent or revoked with an RFC 5280 reason after a page that asks.
/// Back to the machine's security tab with the outcome.
struct MachineSecurityController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let statuses = ["accepted", "false_positive", "mitigated"]
    static let fields: Set<String> = ["risk_type", "risk_key", "status", "reason", "expires_at"]

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get("/machines/:id/risk-overrides/new") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let (id, hostname) = try await machine(&call)
            let query = request.uri.queryParameters
            return overrideForm(
                call, id: id, hostname: hostname,
                posted: [
                    "risk_type": String((query["risk_type"] ?? "risky_port").prefix(50)), "risk_key": String((query["risk_key"] ?? "").prefix(255)),
                    "status": "accepted",
                ])
        }
        router.post("/machines/:id/risk-overrides") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let form = try await call.form()
            let (id, hostname) = try await machine(&call)
            var body: [String: Any] = [
                "risk_type": form["risk_type"] ?? "", "risk_key": form["risk_key"] ?? "", "status": form["status"] ?? "", "reason": form["reason"] ?? "",
            ]
            if let expiry = AdminClientsController.expiry(form["expires_at"]) {
                body["expires_at"] = expiry
            } else if let typed = form["expires_at"], !typed.isEmpty {
                body["expires_at"] = typed
            }
            let reply = try await call.call(.post, Self.overridesPath(hostname), json: body)
            if reply.ok || reply.status == 403 { return call.after(reply, to: "/machines/\(id)?tab=security") }
            var posted = body
            posted["expires_at"] = form["expires_at"] ?? ""
            return overrideForm(call, id: id, hostname: hostname, posted: posted, refusal: reply)
        }
        router.post("/machines/:id/risk-overrides/:override/delete") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            _ = try await call.form()
            let override = try call.id("override")
            let (id, hostname) = try await machine(&call)
            return call.after(try await call.call(.delete, Self.overridesPath(hostname) + "/\(override)"), to: "/machines/\(id)?tab=security")
        }
        router.post("/machines/:id/certificate/renew") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            _ = try await call.form()
            return call.after(try await call.call(.post, "/api/machines/\(id)/certificate/renew"), to: "/machines/\(id)", done: "renewal")
        }
        router.get("/machines/:id/certificate/revoke") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let (id, hostname) = try await machine(&call)
            return call.page(
                "machine-revoke", title: call.text("certificate_revoke"),
                [
                    "id": id, "hostname": hostname, "csrf": call.session.csrfToken, "nav_machines": true,
                    "question": call.text("certificate_revoke_question").replacingOccurrences(of: "{name}", with: hostname),
                    "reasons": RevocationReason.allCases.filter { $0 != .superseded }.map {
                        ["key": $0.rawValue, "label": call.text("revocation_\($0.rawValue)")]
                    },
                ])
        }
        router.post("/machines/:id/certificate/revoke") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let (id, form) = (try call.id(), try await call.form())
            let reply = try await call.call(.post, "/api/machines/\(id)/certificate/revoke", json: ["reason": form["reason"] ?? ""])
            return call.after(reply, to: "/machines/\(id)", done: "revoked")
        }
    }

    /// The machine's id and host name (the risk routes take the name), read from the api so a
    /// form cannot name another machine.
    private func machine(_ call: inout PageCall) async throws -> (String, String) {
        let id = try call.id()
        let reply = try await call.call(.get, "/api/machines/\(id)?collectors=false")
        guard reply.ok, let hostname = (reply.json["machine"] as? [String: Any])?["hostname"] as? String else {
            throw HTTPError(reply.status == 404 ? .notFound : .badGateway)
        }
        return (id, hostname)
    }

    static func overridesPath(_ hostname: String) -> String {
        "/api/machines/by-hostname/\(MachineActionsController.pathComponent(hostname))/risk-overrides"
    }

    private func overrideForm(_ call: PageCall, id: String, hostname: String, posted: [String: Any], refusal: APIClient.Reply? = nil) -> Response {
        var values: [String: Any] = [
            "id": id, "hostname": hostname, "csrf": call.session.csrfToken, "nav_machines": true,
            "risk_type": posted["risk_type"] as? String ?? "", "risk_key": posted["risk_key"] as? String ?? "", "reason": posted["reason"] as? String ?? "",
            "expires_at": posted["expires_at"] as? String ?? "",
            "statuses": call.options(Self.statuses, selected: posted["status"] as? String, prefix: "override_"),
        ]
        if let refusal { values.merge(FieldErrors.values(refusal, fields: Self.fields, language: call.language, renderer: renderer)) { $1 } }
        return call.page("risk-override-form", title: call.text("override_new"), values, status: refusal == nil ? .ok : .badRequest)
    }
}
