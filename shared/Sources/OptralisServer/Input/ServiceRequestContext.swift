import Hummingbird

/// The request context of the internal services: Hummingbird's basic context with the
/// 10 MB body limit of the spec ("Body Limit: Maximum 10 MB par requête").
public struct ServiceRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { 10 * 1024 * 1024 }
    public var requestDecoder: OptralisRequestDecoder { .init() }
    public var responseEncoder: OptralisResponseEncoder { .init() }
}
