// swift-tools-version:6.0
// Floors of the stack Gatehouse is built on: programs that do nothing of Gatehouse's.
// - The idle-RSS floor: they only start what `gatehouse run` starts (docs/performance.md "The idle
//   RSS floor"), built and measured by scripts/rss-floor.sh.
// - facade-floor: the least an OZLocks facade round trip must do (docs/performance.md "The
//   facade's floor"), measured by scripts/facade-floor.sh through gatehouse-bench.
// - vanke-floor: the least a Vanke recognition push must do (docs/performance.md "The Vanke
//   floor"), measured by scripts/vanke-floor.sh through gatehouse-bench.
// Not part of the product, of `make test` or of CI.
import PackageDescription

let package = Package(
    name: "floors",
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .executableTarget(name: "foundation-only"),
        .executableTarget(
            name: "hummingbird-only", dependencies: [.product(name: "Hummingbird", package: "hummingbird")]),
        .executableTarget(
            name: "hummingbird-grdb",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .executableTarget(
            name: "mandated-stack",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]),
        .executableTarget(
            name: "facade-floor",
            dependencies: [
                "CMosquitto", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "vanke-floor",
            dependencies: [
                "CMosquitto", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
    ]
)
