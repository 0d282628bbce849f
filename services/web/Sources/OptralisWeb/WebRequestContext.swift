import Hummingbird
import NIOCore
import OptralisServer

/// The web service's request context: the session ``SessionMiddleware`` loaded, if any.
public struct WebRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address, passed to the api as `X-Real-IP`.
    public let remoteAddress: String?
    var session: WebSession?
    /// The session cookie's value, to store the session again after a token refresh.
    var sessionID: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    public var maxUploadSize: Int { 64 * 1024 }
    public var requestDecoder: OptralisRequestDecoder { .init() }
    public var responseEncoder: OptralisResponseEncoder { .init() }
}
