import Crypto
import Foundation
import Hummingbird
import OptralisCore

/// The dashboard's one stylesheet and one script, served under names that carry a digest of
/// their content (`/assets/app-1a2b3c4d.css`), so browsers keep them a year and a new version
/// is a new name.
struct StaticAssets: Sendable {
    struct File: Sendable {
        let path: String
        let contentType: String
        let body: ByteBuffer
    }

    let cssPath: String
    let jsPath: String
    private let files: [String: File]

    init(directory: String) throws {
        var files: [String: File] = [:]
        var paths: [String: String] = [:]
        for (name, type) in [("app.css", "text/css; charset=utf-8"), ("app.js", "text/javascript; charset=utf-8")] {
            let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
            let digest = SHA256.hash(data: data).prefix(4).hexString
            let parts = name.split(separator: ".")
            let path = "/assets/\(parts[0])-\(digest).\(parts[1])"
            files[path] = File(path: path, contentType: type, body: ByteBuffer(bytes: data))
            paths[name] = path
        }
        self.files = files
        cssPath = paths["app.css"]!
        jsPath = paths["app.js"]!
    }

    func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.get("/assets/:file") { request, _ -> Response in
            guard let file = files[request.uri.path] else { throw HTTPError(.notFound) }
            return Response(
                status: .ok,
                headers: [.contentType: file.contentType, .cacheControl: "public, max-age=31536000, immutable"],
                body: .init(byteBuffer: file.body))
        }
    }
}
