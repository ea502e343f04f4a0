// swift-tools-version: 6.2
// Benchmarks of the demo shop generator (TailorDemo); run with ./run.
import PackageDescription

let package = Package(
    name: "TailorDemoBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "tailor", path: "../..")],
    targets: [
        .executableTarget(
            name: "tailor-demo-bench",
            dependencies: [
                .product(name: "TailorDemo", package: "tailor"),
                .product(name: "TailorCore", package: "tailor"),
            ],
            path: "Sources/tailor-demo-bench"
        )
    ]
)
