import Foundation
import Hummingbird
import Mustache

/// Renders a page: its template (`Resources/templates/<name>.mustache`) inside `layout`, with
/// the texts of the user's language (`Resources/locales/<fr|en>.json`) under `t`. Templates
/// escape every value; only `content` (already rendered) and charts' SVG go in unescaped.
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let texts: [String: [String: String]]
    let assets: StaticAssets
    static let languages = ["fr", "en"]

    init(resources: String, assets: StaticAssets) async throws {
        library = try await MustacheLibrary(directory: resources + "/templates")
        var texts: [String: [String: String]] = [:]
        for language in Self.languages {
            let data = try Data(contentsOf: URL(fileURLWithPath: resources + "/locales/\(language).json"))
            texts[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        self.texts = texts
        self.assets = assets
    }

    /// The language of the request: `?lang=`, else the `optralis_lang` cookie, else the user's
    /// account, else `Accept-Language`, else French.
    static func language(of request: Request, session: WebSession?) -> String {
        if let asked = request.uri.queryParameters["lang"].map(String.init), languages.contains(asked) { return asked }
        if let cookie = request.cookies["optralis_lang"]?.value, languages.contains(cookie) { return cookie }
        if let account = session?.user.language, languages.contains(account) { return account }
        if let accept = request.headers[.acceptLanguage]?.lowercased(), accept.hasPrefix("en") { return "en" }
        return "fr"
    }

    func text(_ key: String, _ language: String) -> String {
        texts[language]?[key] ?? texts["fr"]?[key] ?? key
    }

    /// A whole page.
    func page(
        _ name: String, title: String, _ values: [String: Any], request: Request, session: WebSession?, status: HTTPResponse.Status = .ok
    ) -> Response {
        let language = Self.language(of: request, session: session)
        var context = Blank.replacingEmptyStrings(values)
        context["t"] = texts[language] ?? [:]
        context["lang"] = language
        let content = library.render(context, withTemplate: name) ?? ""
        var layout = context
        layout["content"] = content
        layout["title"] = title
        layout["css"] = assets.cssPath
        layout["js"] = assets.jsPath
        layout["path"] = request.uri.path
        layout["other_lang"] = language == "fr" ? "en" : "fr"
        if let session {
            layout["user"] = [
                "email": session.user.email, "name": [session.user.firstName, session.user.lastName].compactMap { $0 }.joined(separator: " "),
                "client": session.clientName ?? "", "csrf": session.csrfToken, "has_client": !session.isPlatform,
                "platform": session.user.role == "super_admin", "acting": session.acting != nil,
            ]
        }
        let html = library.render(layout, withTemplate: session == nil ? "layout-public" : "layout") ?? content
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
        if request.uri.queryParameters["lang"] != nil {
            response.setCookie(.init(name: "optralis_lang", value: language, maxAge: 365 * 24 * 3600, path: "/", sameSite: .lax))
        }
        return response
    }

    /// A fragment (no layout), for the pages' live refresh.
    func fragment(_ name: String, _ values: [String: Any], request: Request, session: WebSession?) -> Response {
        let language = Self.language(of: request, session: session)
        var context = Blank.replacingEmptyStrings(values)
        context["t"] = texts[language] ?? [:]
        context["lang"] = language
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: library.render(context, withTemplate: name) ?? "")))
    }
}
