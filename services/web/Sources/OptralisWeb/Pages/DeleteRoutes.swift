import Hummingbird

/// The two routes of a deletion (or revocation) from a list page: `GET <page>/:id/<verb>` asks,
/// naming what goes (`?name=`), and `POST` does it through the api's `DELETE`, then goes back to
/// the list (`back`, else `page`) with `?done=<done>` or `?failed=<code>`. The texts are
/// `<prefix>_<verb>` (the heading, and the button unless the verb is `delete`) and
/// `<prefix>_<verb>_question` (with `{name}`).
struct DeleteRoutes: Sendable {
    let api: APIClient
    let renderer: PageRenderer

    func add(
        to router: RouterGroup<WebRequestContext>, page: String, apiPath: String, texts prefix: String, nav: String,
        back: String? = nil, backLabel: String? = nil, verb: String = "delete", done: String = "deleted"
    ) {
        let list = back ?? page
        router.get("\(page)/:id/\(verb)") { request, context -> Response in
            let call = try PageCall(request, context, api: api, renderer: renderer)
            return call.confirm(
                heading: "\(prefix)_\(verb)", question: "\(prefix)_\(verb)_question", button: verb == "delete" ? "delete" : "\(prefix)_\(verb)",
                action: "\(page)/\(try call.id())/\(verb)", back: list, backLabel: backLabel ?? nav, nav: nav)
        }
        router.post("\(page)/:id/\(verb)") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            _ = try await call.form()
            return call.after(try await call.call(.delete, "\(apiPath)/\(id)"), to: list, done: done)
        }
    }
}
