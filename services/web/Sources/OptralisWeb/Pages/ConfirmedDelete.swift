import Hummingbird

/// A deletion asked for first: `GET <list>/:id/delete?name=` shows the question naming the item,
/// with a button posting to `POST <list>/:id/delete`, which checks the CSRF token, deletes through
/// the api as the user and goes back to `back` with `?done=<done>` or `?failed=<api code>`.
struct ConfirmedDelete: Sendable {
    /// The path whose `/:id/delete` routes these are (`/alerts`), and the page to go back to.
    let list: String
    let back: String
    /// The api's item path without the id: `/api/alert-rules`.
    let apiPath: String
    /// Text keys: the page's title and button, and the question, whose `{name}` is the item's.
    let title: String
    let question: String
    let button: String
    /// The text naming the way back (`nav_alerts`), and the navigation entry marked current.
    let backLabel: String
    let rail: String
    let done: String

    func addRoutes(to router: RouterGroup<WebRequestContext>, api: APIClient, renderer: PageRenderer) {
        router.get("\(list)/:id/delete") { request, context -> Response in
            let call = try PageCall(request, context, api: api, renderer: renderer)
            let name = String((request.uri.queryParameters["name"] ?? "").prefix(100))
            return call.page(
                "confirm-delete", title: call.text(title),
                [
                    "action": "\(list)/\(try call.id())/delete", "csrf": call.session.csrfToken, rail: true, "back": back, "back_label": call.text(backLabel),
                    "title": call.text(title), "button": call.text(button), "question": call.text(question).replacingOccurrences(of: "{name}", with: name),
                ])
        }
        router.post("\(list)/:id/delete") { request, context -> Response in
            var call = try PageCall(request, context, api: api, renderer: renderer)
            let id = try call.id()
            _ = try await call.form()
            return call.after(try await call.call(.delete, "\(apiPath)/\(id)"), to: back, done: done)
        }
    }
}
