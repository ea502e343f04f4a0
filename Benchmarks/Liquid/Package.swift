// swift-tools-version: 6.2
// Benchmarks for the Liquid engine: parse and render the golden-liquid benchmark fixtures, with
// allocation counts from a malloc-counting shim. Run through `./run`, which also times python-liquid.

import PackageDescription

let package = Package(
    name: "LiquidBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "tailor", path: "../..")],
    targets: [
        .target(name: "MallocCounter"),
        .executableTarget(
            name: "LiquidBenchmark",
            dependencies: ["MallocCounter", .product(name: "Liquid", package: "tailor")],
            swiftSettings: [.unsafeFlags(["-Ounchecked"])]
        ),
    ]
)
