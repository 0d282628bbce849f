import Foundation
import Hummingbird

/// `GET /openapi.yaml`: the contract of every route (docs/openapi.yaml), read once at start-up.
struct OpenAPIDocument: Sendable {
    let bytes: [UInt8]?

    init(path: String?) {
        bytes = path.flatMap { FileManager.default.contents(atPath: $0) }.map { Array($0) }
    }

    func addRoute<Context: RequestContext>(to router: Router<Context>) {
        router.get("/openapi.yaml") { _, _ -> Response in
            guard let bytes else { throw HTTPError(.notFound, message: "openapi.yaml is not installed with this build") }
            return Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
