import Foundation
import Hummingbird
import OptralisCore

/// `/admin/certificates`: every machine certificate (`GET /api/admin/certificates`, searched by
/// host name or serial, filtered by status, 50 a page) with the counts per status (`…/stats`);
/// revoking a machine's active certificate with an RFC 5280 reason, restoring a revoked one,
/// purging the expired and revoked ones after a confirmation, and emptying the api's cache of
/// certificate statuses.
///
/// The api revokes through `POST /api/machines/{id}/certificate/revoke`, a client's route that a
/// super_admin reaches only by impersonating the client: the page asks for a 15-minute token of
/// the certificate's client (`POST /api/admin/impersonate/{client}`, logged by the api like any
/// impersonation), uses it for that one call and keeps it nowhere.
struct AdminCertificatesController: Sendable {
    let api: APIClient
    let renderer: PageRenderer
    static let page = "/admin/certificates"
    static let statuses = ["valid", "expiring_soon", "expiring", "expired", "revoked"]
    static let limit = 50

    func addRoutes(to router: RouterGroup<WebRequestContext>) {
        router.get(RouterPath(Self.page)) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            return try await list(&call)
        }
        router.get(RouterPath(Self.page + "/:serial/revoke")) { request, context -> Response in
            let call = try PageCall(request, context, api: api, renderer: renderer)
            let query = request.uri.queryParameters
            guard let machine = AdminQuery.uuid(query["machine_id"]), let client = AdminQuery.uuid(query["client_id"]) else { throw HTTPError(.notFound) }
            return revokeForm(
                call, serial: try Self.serial(context), machine: machine, client: client,
                host: String((query["host"] ?? "").prefix(100)), reason: "unspecified")
        }
        router.post(RouterPath(Self.page + "/:serial/revoke")) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let serial = try Self.serial(context)
            let form = try await call.form()
            guard let machine = AdminQuery.uuid(form["machine_id"].map { Substring($0) }), let client = AdminQuery.uuid(form["client_id"].map { Substring($0) })
            else { throw HTTPError(.badRequest) }
            let acting = try await call.call(.post, "/api/admin/impersonate/\(client)")
            guard acting.ok, let token = acting.json["access_token"] as? String else { return call.after(acting, to: Self.page) }
            let reply = try await api.call(
                .post, "/api/machines/\(machine)/certificate/revoke", json: ["reason": form["reason"] ?? ""], token: token, clientIP: context.clientIP)
            guard reply.status == 400 else { return call.after(reply, to: Self.page, done: "revoked") }
            return revokeForm(call, serial: serial, machine: machine, client: client, host: form["host"] ?? "", reason: form["reason"] ?? "", refusal: reply)
        }
        router.post(RouterPath(Self.page + "/:serial/restore")) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let serial = try Self.serial(context)
            _ = try await call.form()
            return call.after(try await call.call(.post, "/api/admin/certificates/\(serial)/restore"), to: Self.page, done: "restored")
        }
        router.get(RouterPath(Self.page + "/purge")) { request, context -> Response in
            let call = try PageCall(request, context, api: api, renderer: renderer)
            return call.confirm(
                heading: "certificates_purge", question: "certificates_purge_question", button: "certificates_purge", action: Self.page + "/purge",
                back: Self.page,
                backLabel: "admin_certificates", nav: "admin_certificates")
        }
        router.post(RouterPath(Self.page + "/purge")) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            _ = try await call.form()
            return call.after(try await call.call(.delete, "/api/admin/certificates/purge"), to: Self.page, done: "purged")
        }
        router.post(RouterPath(Self.page + "/refresh-cache")) { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            _ = try await call.form()
            return call.after(try await call.call(.post, "/api/admin/certificates/refresh-cache"), to: Self.page, done: "cache")
        }
    }

    /// The route's `:serial`, hexadecimal as the ca writes it; 404 for anything else.
    static func serial(_ context: WebRequestContext) throws -> String {
        guard let serial = context.parameters.get("serial"), serial.wholeMatch(of: /[0-9A-Fa-f]{1,64}/) != nil else { throw HTTPError(.notFound) }
        return serial
    }

    private func list(_ call: inout PageCall) async throws -> Response {
        let query = call.request.uri.queryParameters
        let status = AdminQuery.choice(query["status"], in: Self.statuses)
        let search = query["search"].map { String($0.prefix(200)) } ?? ""
        let page = query["page"].flatMap { Int($0) }.map { min(max($0, 1), 10_000) } ?? 1
        let filters: [(String, String?)] = [("status", status), ("search", search)]
        let replies = try await call.get([
            "/api/admin/certificates" + AdminQuery.string(filters + [("limit", String(Self.limit)), ("offset", String((page - 1) * Self.limit))]),
            "/api/admin/certificates/stats",
        ])
        guard replies[0].ok else { return call.failure(replies[0]) }
        let language = call.language
        let certificates = (replies[0].json["certificates"] as? [[String: Any]] ?? []).map { entry -> [String: Any] in
            let state = entry["status"] as? String ?? "valid"
            var row: [String: Any] = [
                "serial": entry["serial"] as? String ?? "", "client_id": entry["client_id"] as? String ?? "", "client": entry["client_name"] as? String ?? "",
                "host": entry["machine_hostname"] as? String ?? "—", "pill": Pill.make(Self.pill(state), language: language, renderer: renderer),
                "status": call.text("certificate_\(state)"), "issued": Display.dateTime(entry["issued_at"] as? String, language: language),
                "expires": Display.dateTime(entry["expires_at"] as? String, language: language),
                "revoked": (entry["revoked_at"] as? String).map { Display.dateTime($0, language: language) } ?? "",
                "reason": (entry["revocation_reason"] as? String).flatMap { $0.isEmpty ? nil : renderer.text("reason_\($0)", language) } ?? "",
                "restorable": state == "revoked",
            ]
            // Only a machine's active certificate can be revoked (the api revokes by machine).
            if let machine = entry["machine_id"] as? String, ["valid", "expiring_soon", "expiring"].contains(state) {
                row["revoke"] =
                    "\(Self.page)/\(entry["serial"] as? String ?? "")/revoke"
                    + AdminQuery.string([
                        ("machine_id", machine), ("client_id", entry["client_id"] as? String), ("host", entry["machine_hostname"] as? String),
                    ])
            }
            return row
        }
        let counts = replies[1].json["counts"] as? [String: Int] ?? [:]
        var values: [String: Any] = [
            "certificates": certificates, "has_certificates": !certificates.isEmpty, "csrf": call.session.csrfToken, "search": search,
            "total": counts["total"] ?? 0, "matching": replies[0].json["total"] as? Int ?? 0,
            "stats": Self.statuses.map { key in
                [
                    "key": key, "label": call.text("certificate_\(key)"), "count": counts[key] ?? 0, "current": key == status,
                    "href": Self.page + AdminQuery.string([("status", key)]),
                ] as [String: Any]
            },
            "status_filters": Self.statuses.map { ["key": $0, "label": call.text("certificate_\($0)"), "current": $0 == status] as [String: Any] },
            "pager": AdminQuery.pager(Self.page, filters: filters, page: page, limit: Self.limit, total: replies[0].json["total"] as? Int ?? 0),
            "nav_admin": true, "admin_certificates": true,
        ]
        values.merge(
            call.notices([
                "revoked": "certificate_revoked_done", "restored": "certificate_restored_done", "purged": "certificates_purged",
                "cache": "certificates_cache_done",
            ])
        ) { $1 }
        return call.page("admin-certificates", title: call.text("admin_certificates"), values)
    }

    /// The revoke page: which certificate, the reason to choose (the CRL carries its code), and
    /// the api's refusal beside it.
    private func revokeForm(
        _ call: PageCall, serial: String, machine: String, client: String, host: String, reason: String, refusal: APIClient.Reply? = nil
    ) -> Response {
        var values: [String: Any] = [
            "serial": serial, "machine_id": machine, "client_id": client, "host": host, "csrf": call.session.csrfToken,
            "question": call.text("admin_certificate_revoke_question").replacingOccurrences(of: "{host}", with: host).replacingOccurrences(
                of: "{serial}", with: serial),
            "reasons": RevocationReason.allCases.map { case_ in
                ["key": case_.rawValue, "label": "\(call.text("reason_\(case_.rawValue)")) (\(case_.code))", "current": case_.rawValue == reason]
                    as [String: Any]
            },
            "nav_admin": true, "admin_certificates": true,
        ]
        if let refusal { values.merge(FieldErrors.values(refusal, fields: ["reason"], language: call.language, renderer: renderer)) { $1 } }
        return call.page("admin-certificate-revoke", title: call.text("certificate_revoke"), values, status: refusal == nil ? .ok : .badRequest)
    }

    static func pill(_ status: String) -> String {
        ["valid": "online", "expiring_soon": "warning", "expiring": "warning", "expired": "offline", "revoked": "critical"][status] ?? "info"
    }
}
