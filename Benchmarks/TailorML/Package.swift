// swift-tools-version: 6.2
// Benchmarks of TailorML against its Python peers (implicit, scikit-learn); run with ./run.
import PackageDescription

let package = Package(
    name: "TailorMLBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "tailor", path: "../..")],
    targets: [
        .executableTarget(
            name: "tailor-ml-bench",
            dependencies: [.product(name: "TailorML", package: "tailor")],
            path: "Sources/tailor-ml-bench"
        )
    ]
)
