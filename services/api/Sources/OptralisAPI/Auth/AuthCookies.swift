import Foundation
import Hummingbird

/// The spec's cookies: `optralis_access` (HttpOnly, path /), `optralis_refresh` (HttpOnly,
/// path /api/auth — the refresh and logout routes are also served under /api/auth), and
/// `optralis_csrf` (readable by the page, echoed in `X-CSRF-Token`). SameSite=Strict always;
/// Secure in production.
enum AuthCookies {
    static let access = "optralis_access"
    static let refresh = "optralis_refresh"
    static let csrf = "optralis_csrf"
    static let refreshPath = "/api/auth"
    static let refreshLifetime = 7 * 24 * 3600

    static func set(_ session: SessionTokens, on response: inout Response, secure: Bool) {
        response.setCookie(
            Cookie(
                name: access, value: session.access.token, maxAge: Int(TokenSigner.accessLifetime), path: "/", secure: secure, httpOnly: true, sameSite: .strict
            ))
        response.setCookie(
            Cookie(name: refresh, value: session.refreshToken, maxAge: refreshLifetime, path: refreshPath, secure: secure, httpOnly: true, sameSite: .strict))
        response.setCookie(Cookie(name: csrf, value: session.csrfToken, maxAge: refreshLifetime, path: "/", secure: secure, httpOnly: false, sameSite: .strict))
    }

    static func clear(on response: inout Response, secure: Bool) {
        for (name, path, httpOnly) in [(access, "/", true), (refresh, refreshPath, true), (csrf, "/", false)] {
            response.setCookie(Cookie(name: name, value: "", maxAge: 0, path: path, secure: secure, httpOnly: httpOnly, sameSite: .strict))
        }
    }
}
