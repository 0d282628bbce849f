import Hummingbird

/// The two routes of a deletion from a list page: `GET <page>/:id/delete` asks, naming what goes
/// (`?name=`), and `POST` deletes through the api, then goes back to the list with
/// `?done=deleted` or `?failed=<code>` (or to `back`, when the list is elsewhere). The texts are
/// `<prefix>_delete` (the heading) and `<prefix>_delete_question` (with `{name}`).
struct DeleteRoutes: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    func add(to router: RouterGroup<WebRequestContext>, page: String, apiPath: String, texts prefix: String, nav: String, back: String? = nil) {
        let list = back ?? page
        router.get("\(page)/:id/delete") { request, context -> Response in
            let call = try PageCall(request, context, api: api, renderer: renderer)
            return call.confirm(
                heading: "\(prefix)_delete", question: "\(prefix)_delete_question", action: "\(page)/\(try call.id())/delete", back: list,
                backLabel: nav, nav: nav)
        }
        router.post("\(page)/:id/delete") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            _ = try await call.form()
            return call.after(try await call.call(.delete, "\(apiPath)/\(id)"), to: list, done: "deleted")
        }
    }
}
