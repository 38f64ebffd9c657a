// swift-tools-version:6.0
// The idle-RSS floor of the stack Gatehouse is built on: programs that do nothing of Gatehouse's
// and only start what `gatehouse run` starts (see docs/performance.md "The idle RSS floor").
// Built and measured by scripts/rss-floor.sh; not part of the product, of `make test` or of CI.
import PackageDescription

let package = Package(
    name: "rss-floor",
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.20.0"),
    ],
    targets: [
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
    ]
)
