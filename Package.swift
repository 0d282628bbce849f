// swift-tools-version:6.1
import PackageDescription

// Declared first: SwiftPM ignores a `let` used before its declaration at the bottom of a manifest.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let hummingbirdTesting: Target.Dependency = .product(name: "HummingbirdTesting", package: "hummingbird")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let postgresNIO: Target.Dependency = .product(name: "PostgresNIO", package: "postgres-nio")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")

/// The shared plumbing every service links (see DESIGN.md, "Repository layout").
let sharedLibraries: [Target.Dependency] = [
    "OptralisCore", "OptralisPostgres", "OptralisRedis", "OptralisCurl", "OptralisServer",
]

/// A service is a library (everything testable) plus a thin executable and a test target.
func service(
    _ name: String, executable: String, folder: String, dependencies: [Target.Dependency] = [],
    executableDependencies: [Target.Dependency] = [], testDependencies: [Target.Dependency] = [], testExclude: [String] = []
) -> [Target] {
    [
        .target(
            name: name,
            dependencies: sharedLibraries + [hummingbird, postgresNIO, serviceLifecycle, logging] + dependencies,
            path: "\(folder)/Sources/\(name)",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: executable,
            dependencies: [.target(name: name), "OptralisCore", "OptralisServer", argumentParser] + executableDependencies,
            path: "\(folder)/Sources/\(executable)",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "\(name)Tests",
            dependencies: [.target(name: name), "OptralisTestSupport", hummingbirdTesting] + sharedLibraries + testDependencies,
            path: "\(folder)/Tests/\(name)Tests",
            exclude: testExclude,
            swiftSettings: swiftSettings
        ),
    ]
}

/// The agent runs on every monitored machine, so it links only what it needs: no HTTP server
/// stack, no database or Redis client, no full Foundation (ICU). docs/agent.md, "Footprint".
let agent: [Target] = [
    .target(
        name: "OptralisAgent",
        dependencies: ["OptralisCore", "OptralisCurl", "OptralisUpdateSigning", logging],
        path: "agent/Sources/OptralisAgent",
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "optralis-agent",
        dependencies: ["OptralisAgent", "OptralisCore", "OptralisCurl", argumentParser, logging],
        path: "agent/Sources/optralis-agent",
        swiftSettings: swiftSettings,
        // Release builds drop the DWARF (the symbol table stays, for backtraces). Shipped agents are
        // built with `--static-swift-stdlib` (deploy/Dockerfile, the footprint benchmark).
        linkerSettings: [.unsafeFlags(["-Xlinker", "--strip-debug"], .when(configuration: .release))]
    ),
    .testTarget(
        name: "OptralisAgentTests",
        dependencies: ["OptralisAgent", "OptralisCore", "OptralisUpdateSigning", "OptralisTestSupport"],
        path: "agent/Tests/OptralisAgentTests",
        exclude: ["Fixtures"],
        swiftSettings: swiftSettings
    ),
]

let package = Package(
    name: "Optralis",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "optralis-api", targets: ["optralis-api"]),
        .executable(name: "optralis-ai", targets: ["optralis-ai"]),
        .executable(name: "optralis-notifier", targets: ["optralis-notifier"]),
        .executable(name: "optralis-scheduler", targets: ["optralis-scheduler"]),
        .executable(name: "optralis-ca", targets: ["optralis-ca"]),
        .executable(name: "optralis-agent", targets: ["optralis-agent"]),
        .executable(name: "optralis-web", targets: ["optralis-web"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        // jwt-kit 5.8 needs swift-crypto 4.1 or later.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // C libraries, wrapped once each (see NOTES-swift-stack.md).
        .systemLibrary(
            name: "CHiredis", path: "shared/Sources/CHiredis", pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL", path: "shared/Sources/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CCurl", path: "shared/Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CQRencode", path: "shared/Sources/CQRencode", pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .systemLibrary(name: "CZlib", path: "shared/Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libharu ships no pkg-config file: the module map links `hpdf` itself.
        .systemLibrary(name: "CHaru", path: "shared/Sources/CHaru", providers: [.apt(["libhpdf-dev"])]),

        .target(
            name: "OptralisCore",
            dependencies: [logging],
            path: "shared/Sources/OptralisCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OptralisPostgres",
            dependencies: [
                "OptralisCore", postgresNIO, logging, .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // ConnectionPoolError, which PostgresClient throws as it is once its circuit breaker trips.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
            ],
            path: "shared/Sources/OptralisPostgres",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OptralisRedis",
            dependencies: [
                "CHiredis", "OptralisCore", logging,
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "shared/Sources/OptralisRedis",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OptralisCurl",
            dependencies: ["CCurl", "OptralisCore"],
            path: "shared/Sources/OptralisCurl",
            swiftSettings: swiftSettings
        ),
        // QR codes (libqrencode): the dashboard's MFA set-up.
        .target(
            name: "OptralisQR",
            dependencies: ["CQRencode"],
            path: "shared/Sources/OptralisQR",
            swiftSettings: swiftSettings
        ),
        // PDF documents (libharu): the executive reports' PDF.
        .target(
            name: "OptralisPDF",
            dependencies: ["CHaru"],
            path: "shared/Sources/OptralisPDF",
            swiftSettings: swiftSettings
        ),
        // The tenants' reports: the daily summary and the executive reports (figures,
        // recommendations, PDF layout). The api answers them on demand and the scheduler emails
        // them, so they live here rather than in either service.
        .target(
            name: "OptralisReports",
            dependencies: ["OptralisCore", "OptralisPDF", postgresNIO, logging],
            path: "shared/Sources/OptralisReports",
            swiftSettings: swiftSettings
        ),
        // The agent update signatures (Ed25519): one format for optralis-ca, which signs, and the agent, which verifies.
        .target(
            name: "OptralisUpdateSigning",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            path: "shared/Sources/OptralisUpdateSigning",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OptralisServer",
            dependencies: [
                "CZlib", "OptralisCore", "OptralisPostgres", "OptralisRedis", "OptralisCurl",
                hummingbird, postgresNIO, serviceLifecycle, logging,
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "shared/Sources/OptralisServer",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OptralisTestSupport",
            dependencies: sharedLibraries + [postgresNIO, logging, hummingbird],
            path: "shared/Tests/OptralisTestSupport",
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OptralisSharedTests",
            dependencies: sharedLibraries + [
                "OptralisTestSupport", "OptralisUpdateSigning", "OptralisQR", hummingbird, hummingbirdTesting, postgresNIO,
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "shared/Tests/OptralisSharedTests",
            swiftSettings: swiftSettings
        ),
        // Benchmarks driven by scripts/bench.sh; not shipped.
        .executableTarget(
            name: "optralis-bench",
            dependencies: [
                "OptralisCore", "OptralisRedis", "OptralisPostgres", "OptralisCA", hummingbird, argumentParser, logging, postgresNIO,
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            path: "scripts/bench/optralis-bench",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OpenAPIContractTests",
            dependencies: [
                "OptralisAPI", "OptralisAI", "OptralisNotifier", "OptralisScheduler", "OptralisCA",
                "OptralisTestSupport", "Yams", hummingbird,
            ],
            path: "docs/Tests/OpenAPIContractTests",
            swiftSettings: swiftSettings
        ),
    ]
        + service(
            "OptralisAPI", executable: "optralis-api", folder: "services/api",
            dependencies: [
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Metrics", package: "swift-metrics"),
                // A build published from the downloads directory needs its .sig (AgentDownloads).
                "OptralisUpdateSigning",
                // The reports (daily summary, executive reports), which the scheduler emails too.
                "OptralisReports",
            ])
        + service(
            "OptralisAI", executable: "optralis-ai", folder: "services/ai",
            dependencies: [.product(name: "Crypto", package: "swift-crypto"), .product(name: "Metrics", package: "swift-metrics")],
            testExclude: ["Claude/Fixtures"])
        + service(
            "OptralisNotifier", executable: "optralis-notifier", folder: "services/notifier",
            dependencies: [.product(name: "Crypto", package: "swift-crypto"), .product(name: "Metrics", package: "swift-metrics")],
            testExclude: ["Webhooks/Fixtures"])
        + service(
            "OptralisScheduler", executable: "optralis-scheduler", folder: "services/scheduler",
            dependencies: [.product(name: "Metrics", package: "swift-metrics"), "OptralisReports"], testDependencies: ["OptralisReports"])
        + service(
            "OptralisCA", executable: "optralis-ca", folder: "services/ca",
            dependencies: [
                "COpenSSL", .product(name: "X509", package: "swift-certificates"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            executableDependencies: ["OptralisUpdateSigning"])
        + service(
            "OptralisWeb", executable: "optralis-web", folder: "services/web",
            dependencies: [
                .product(name: "Mustache", package: "swift-mustache"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"), "OptralisQR",
            ],
            testDependencies: [
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"), .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ])
        + agent
)
