import Hummingbird

extension PageRenderer {
    /// The page for an api call that did not succeed: a required password change sends the user
    /// to `/settings/password`; otherwise the error page with the api's message, keeping its
    /// 400, 403 or 404 and answering 502 for anything else.
    func failure(_ reply: APIClient.Reply, request: Request, session: WebSession) -> Response {
        if reply.code == "PASSWORD_CHANGE_REQUIRED" || reply.code == "PASSWORD_EXPIRED" {
            return .redirect(to: "/settings/password", type: .found)
        }
        let language = PageRenderer.language(of: request, session: session)
        let status = HTTPResponse.Status(code: [400, 403, 404].contains(reply.status) ? reply.status : 502)
        return page(
            "error", title: text("error_title", language), ["message": reply.error ?? text("api_unavailable", language), "code": reply.code ?? ""],
            request: request, session: session, status: status)
    }
}
