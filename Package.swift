// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "gatehouse",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "gatehouse", targets: ["gatehouse"]),
        .executable(name: "gatehouse-bench", targets: ["gatehouse-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        // Already resolved for Hummingbird: NIOHTTPTypes (listener handlers) and NIOSSL (listener TLS).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.1.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        // Already built for AsyncHTTPClient's certificates; used here for the Vanke token's MD5.
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        // Tests only: property-based checks of the MQTT request payloads (RequestPayloadPropertyTests).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CMosquitto",
            pkgConfig: "libmosquitto",
            providers: [.apt(["libmosquitto-dev"])]
        ),
        // Pure: topic paths, payload types, envelopes. No I/O.
        .target(name: "Topics"),
        // Runtime: MQTT over libmosquitto, request router, store, config, HTTP, health.
        .target(
            name: "Bridge",
            dependencies: [
                "Topics", "CMosquitto",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // One target per vendor, so the compiler refuses a cross-vendor import: adapters meet on
        // topics, not in code. Each is listed once in the registry of the `Adapters` target.
        // What every vendor client needs: failures read from error cases, base URLs, timeouts.
        .target(
            name: "AdapterSupport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/Adapters/Shared"
        ),
        .target(
            name: "OZLocks",
            dependencies: [
                "Bridge", "Topics", "AdapterSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Sources/Adapters/OZLocks"
        ),
        .target(
            name: "FIAS",
            dependencies: [
                "Bridge", "Topics",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/Adapters/FIAS"
        ),
        .target(
            name: "Vanke",
            dependencies: [
                "Bridge", "Topics", "AdapterSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Sources/Adapters/Vanke"
        ),
        .target(
            name: "OFD",
            dependencies: [
                "Bridge", "Topics", "AdapterSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Sources/Adapters/OFD"
        ),
        // The registry: which adapters exist, how each is configured, checked and started.
        .target(
            name: "Adapters",
            dependencies: [
                "Bridge", "Topics", "OZLocks", "FIAS", "Vanke", "OFD",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Adapters/Catalog"
        ),
        // Independent readings of the vendor specs: never import Adapters.
        .target(
            name: "Simulators",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .executableTarget(
            name: "gatehouse",
            dependencies: [
                "Adapters", "OZLocks", "FIAS", "Vanke", "OFD", "Simulators", "Bridge", "Topics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .executableTarget(
            name: "gatehouse-bench",
            dependencies: [
                "Bridge", "Topics", "Simulators",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["Bridge", "Topics"],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "TopicsTests", dependencies: ["Topics"]),
        .testTarget(name: "BridgeTests", dependencies: ["Bridge", "Topics", "TestSupport"]),
        .testTarget(
            name: "AdaptersTests",
            dependencies: [
                "Adapters", "AdapterSupport", "OZLocks", "FIAS", "Vanke", "OFD", "Simulators", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(name: "SimulatorsTests", dependencies: ["Simulators"]),
        .testTarget(name: "GatehouseTests", dependencies: ["Bridge", "Topics", "TestSupport", "Simulators"]),
    ],
    swiftLanguageModes: [.v6]
)
