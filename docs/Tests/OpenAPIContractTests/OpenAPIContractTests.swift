import Foundation
import Hummingbird
import Logging
import OptralisAI
import OptralisAPI
import OptralisAgent
import OptralisCA
import OptralisNotifier
import OptralisScheduler
import OptralisServer
import OptralisTestSupport
import Testing
import Yams

/// docs/openapi.yaml must describe exactly the routes the services register.
/// Serialized: both tests build the ca's router, which creates its CA in the one `CA_DIR` on first
/// use; side by side, one could read the directory while the other was still writing it.
@Suite("docs/openapi.yaml matches the routers", .serialized)
struct OpenAPIContractTests {
    struct Route: Hashable, CustomStringConvertible {
        let service: String
        let method: String
        let path: String
        var description: String { "\(service): \(method) \(path)" }
    }

    /// Configuration that satisfies every service; nothing connects while routers are built.
    static let environment: [String: String] = [
        "DATABASE_URL": "postgres://contract:test@127.0.0.1:1/contract", "REDIS_URL": "redis://127.0.0.1:1/0",
        "JWT_SECRET": String(repeating: "j", count: 32), "DATABASE_CREDENTIALS_KEY": String(repeating: "5e", count: 32),
        "INTERNAL_SERVICE_TOKEN": String(repeating: "i", count: 32),
        "CA_DIR": FileManager.default.temporaryDirectory.appendingPathComponent("contract-ca-\(UUID().uuidString)").path,
    ]

    static func registered() async throws -> Set<Route> {
        let logger = Logger(label: "contract")
        let server = await APIServer(configuration: try .init(environment: environment), logger: logger)
        let api = server.makeRouter().routes.map { (path: "\($0.path)", method: $0.method.rawValue) }
        let agents = server.makeAgentRouter().routes.map { (path: "\($0.path)", method: $0.method.rawValue) }
        let routers: [(String, [(path: String, method: String)])] = [
            ("api", api),
            ("api-agents", agents),
            (
                "ai",
                AIServer(configuration: try .init(environment: environment), logger: logger).makeRouter().routes.map {
                    (path: "\($0.path)", method: $0.method.rawValue)
                }
            ),
            (
                "notifier",
                NotifierServer(configuration: try .init(environment: environment), logger: logger).makeRouter().routes.map {
                    (path: "\($0.path)", method: $0.method.rawValue)
                }
            ),
            (
                "scheduler",
                SchedulerServer(configuration: try .init(environment: environment), logger: logger).makeRouter().routes.map {
                    (path: "\($0.path)", method: $0.method.rawValue)
                }
            ),
            (
                "ca",
                try CAServer(configuration: try .init(environment: environment), logger: logger).makeRouter().routes.map {
                    (path: "\($0.path)", method: $0.method.rawValue)
                }
            ),
            ("agent", AgentStatusRoutes.routes.map { (path: $0.path, method: $0.method) }),
        ]
        return Set(
            routers.flatMap { service, routes in
                routes.map { Route(service: service, method: $0.method, path: $0.path.normalisedPath) }
            })
    }

    static func documented() throws -> Set<Route> {
        let text = try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
        let paths = try #require(document["paths"] as? [String: Any])
        var routes: Set<Route> = []
        for (path, item) in paths {
            let operations = try #require(item as? [String: Any], "\(path)")
            let services = try #require(operations["x-optralis-services"] as? [String], "\(path) has no x-optralis-services")
            for method in ["get", "post", "put", "patch", "delete"] where operations[method] != nil {
                for service in services { routes.insert(Route(service: service, method: method.uppercased(), path: path.normalisedPath)) }
            }
        }
        return routes
    }

    @Test func every_registered_route_is_documented() async throws {
        let missing = try await Self.registered().subtracting(try Self.documented())
        #expect(missing.isEmpty, "routes missing from docs/openapi.yaml: \(missing.sorted { $0.description < $1.description })")
    }

    /// Every `$ref` names a component that exists: the fuzz suite cannot load an operation whose
    /// reference dangles, and a reader would find nothing there either.
    @Test func every_reference_resolves() throws {
        let text = try String(contentsOf: TestEnvironment.repositoryRoot.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let components = document["components"] as? [String: Any] ?? [:]
        var dangling: [String] = []
        for match in text.matches(of: /"#\/components\/([A-Za-z]+)\/([A-Za-z0-9_.-]+)"/) {
            let (kind, name) = (String(match.1), String(match.2))
            if (components[kind] as? [String: Any])?[name] == nil { dangling.append("\(kind)/\(name)") }
        }
        #expect(dangling.isEmpty, "references to components that do not exist: \(Set(dangling).sorted())")
    }

    @Test func every_documented_route_is_registered() async throws {
        let stale = try Self.documented().subtracting(try await Self.registered())
        #expect(stale.isEmpty, "documented but not registered: \(stale.sorted { $0.description < $1.description })")
    }
}

extension String {
    /// `/machines/{id}` and `/machines/:id` both become `/machines/{}`.
    var normalisedPath: String {
        split(separator: "/", omittingEmptySubsequences: false).map { segment in
            segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}")) ? "{}" : String(segment)
        }.joined(separator: "/")
    }
}
