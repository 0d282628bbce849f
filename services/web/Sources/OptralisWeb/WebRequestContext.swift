import Hummingbird
import NIOCore
import OptralisServer

/// The web service's request context: the session ``SessionMiddleware`` loaded, if any.
public struct WebRequestContext: ClientAddressContext {
    public var coreContext: CoreRequestContextStorage
    /// The browser's IP, passed to the api as `X-Real-IP` (its rate limits count per address): the
    /// peer's, or behind a trusted proxy (`TRUST_PROXY_HEADERS`) the one the proxy names.
    public var clientIP: String?
    var session: WebSession?
    /// The session cookie's value, to store the session again after a token refresh.
    var sessionID: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        clientIP = source.channel.remoteAddress?.ipAddress
    }

    public var maxUploadSize: Int { 64 * 1024 }
    public var requestDecoder: OptralisRequestDecoder { .init() }
    public var responseEncoder: OptralisResponseEncoder { .init() }
}
