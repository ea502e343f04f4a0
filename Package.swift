// swift-tools-version: 6.2
// Tailor: a self-hosted customer data platform and email personalization engine.
//
// Layering (see docs/ARCHITECTURE.md): the engines (Liquid, TailorML, TailorMail) are leaves that know
// nothing of Tailor's domain; TailorCore has no I/O; TailorStore (the ports) depends on Core; the adapters
// TailorSQLite and TailorPostgres on Store; TailorEngine on Store, Core and the leaves; TailorServer on Engine;
// TailorDatabases (the opener) on the adapters; the `tailor` CLI on Server, Engine and Databases.
//
// Focused builds: `TAILOR_LEAF=Liquid swift test --scratch-path .build-liquid` declares only that leaf
// (and its tests), so working on an engine does not compile the server stack. Several leaves can be
// named, comma-separated (`TAILOR_LEAF=TailorCore,TailorStore,TailorSQLite` builds one adapter); naming a
// test target (`TAILOR_LEAF=TailorCore,TailorStore,TailorStoreTests`) keeps only the test targets named.

import PackageDescription

// MARK: - Settings

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// MARK: - Dependencies

let dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
]

// MARK: - Leaves

/// Liquid template engine: lexer → parser → AST → render. No dependencies.
let liquidTargets: [Target] = [
    .target(name: "Liquid", swiftSettings: swiftSettings),
    .testTarget(name: "LiquidTests", dependencies: ["Liquid", "TailorTestLaunch"], exclude: ["Fixtures", "Peers"], swiftSettings: swiftSettings),
]

/// Numeric models: ALS, k-means, BG/NBD, Gamma-Gamma, metrics. No dependencies.
let mlTargets: [Target] = [
    .target(name: "TailorML", swiftSettings: swiftSettings),
    // Peers/ holds the Python scripts of the interop tests (run through TAILOR_PYTHON).
    .testTarget(name: "TailorMLTests", dependencies: ["TailorML", "TailorTestLaunch"], exclude: ["Peers"], swiftSettings: swiftSettings),
]

/// Mail: MIME, DKIM, SMTP client on NIO, file sink.
let mailTargets: [Target] = [
    .target(
        name: "TailorMail",
        dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "TailorMailTests",
        dependencies: [
            "TailorMail", "TailorTestLaunch",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ],
        swiftSettings: swiftSettings
    ),
]

/// Statistics for experiments: distributions, tests, intervals, always-valid inference. No dependencies.
let statsTargets: [Target] = [
    .target(name: "TailorStats", swiftSettings: swiftSettings),
    // Peers/ holds the scipy script of the interop tests (run through TAILOR_PYTHON).
    .testTarget(name: "TailorStatsTests", dependencies: ["TailorStats", "TailorTestLaunch"], exclude: ["Peers"], swiftSettings: swiftSettings),
]

// MARK: - Tailor

let tailorTargets: [Target] = [
    .target(name: "TailorCore", swiftSettings: swiftSettings),
    /// The synthetic shop behind `tailor demo` and the benchmarks: Segment messages from a seed.
    .target(name: "TailorDemo", dependencies: ["TailorCore"], swiftSettings: swiftSettings),
    .testTarget(name: "TailorDemoTests", dependencies: ["TailorDemo", "TailorCore", "TailorTesting"], swiftSettings: swiftSettings),
    /// C beside SQLite: the VFS that gathers each WAL commit's writes into one (docs/STORAGE.md).
    .target(name: "CTailorSQLite", linkerSettings: [.linkedLibrary("sqlite3")]),
    /// The ports: one small protocol per feature, the row types, the shared SQL, encryption, `StoreError`.
    .target(
        name: "TailorStore",
        dependencies: ["TailorCore", .product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: swiftSettings
    ),
    /// The SQLite adapter: GRDB, the single writer, its cache, the WAL syncer and checkpointer.
    .target(
        name: "TailorSQLite",
        dependencies: [
            "TailorCore", "TailorStore", "CTailorSQLite",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ],
        swiftSettings: swiftSettings
    ),
    /// The PostgreSQL adapter: postgres-nio.
    .target(
        name: "TailorPostgres",
        dependencies: [
            "TailorCore", "TailorStore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
    /// Opens a database from its URL: the one place that names a backend (used by `tailor` and the tests).
    .target(
        name: "TailorDatabases",
        dependencies: ["TailorCore", "TailorStore", "TailorSQLite", "TailorPostgres"],
        swiftSettings: swiftSettings
    ),
    .target(
        name: "TailorEngine",
        dependencies: [
            "TailorCore", "TailorStore", "TailorDemo", "Liquid", "TailorML", "TailorMail", "TailorStats",
            // Dashboard passwords (bcrypt); the product is the C hash alone, without the auth middleware.
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            // Outgoing webhooks.
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ],
        swiftSettings: swiftSettings
    ),
    .target(
        name: "TailorServer",
        dependencies: [
            "TailorCore", "TailorStore", "TailorEngine",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "CompressNIO", package: "compress-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ],
        // tailor.js, the tracking script, is compiled into the binary as bytes (no bundle to ship beside it).
        resources: [.embedInCode("Tracking/tailor.js")],
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "tailor",
        dependencies: [
            "TailorCore", "TailorStore", "TailorDatabases", "TailorEngine", "TailorServer", "Liquid", "TailorML", "TailorMail", "TailorStats",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Configuration", package: "swift-configuration"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
    // Every test's child processes start through it (one launch at a time: Process.run() is not thread-safe on Linux).
    .target(name: "TailorTestLaunch", swiftSettings: swiftSettings),
    .target(
        name: "TailorTesting",
        dependencies: ["TailorCore", "TailorStore", "TailorSQLite", "TailorPostgres", "TailorTestLaunch"],
        swiftSettings: swiftSettings
    ),
    // TailorTesting brings the seeded segment generator of the round-trip tests.
    .testTarget(name: "TailorCoreTests", dependencies: ["TailorCore", "TailorTesting"], swiftSettings: swiftSettings),
    /// The conformance suites: every port on both backends.
    .testTarget(
        name: "TailorStoreTests",
        dependencies: ["TailorCore", "TailorStore", "TailorEngine", "TailorTesting"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "TailorSQLiteTests",
        dependencies: ["TailorCore", "TailorStore", "TailorSQLite", "TailorEngine", "TailorTesting", .product(name: "GRDB", package: "GRDB.swift")],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "TailorPostgresTests",
        dependencies: ["TailorCore", "TailorStore", "TailorPostgres", "TailorDatabases", "TailorTesting", "TailorTestLaunch",
                       .product(name: "PostgresNIO", package: "postgres-nio")],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "TailorEngineTests",
        dependencies: ["TailorCore", "TailorStore", "TailorSQLite", "TailorEngine", "TailorTesting", "TailorTestLaunch", "TailorDemo", "TailorML", "TailorMail",
                       "Liquid"],
        // Peers/ holds the Python receivers of the interop tests (run through TAILOR_PYTHON).
        exclude: ["Peers"],
        swiftSettings: swiftSettings
    ),
    /// Runs the built `tailor` binary, as a user would.
    .testTarget(name: "TailorCLITests", dependencies: ["TailorTestLaunch"], swiftSettings: swiftSettings),
    .testTarget(
        name: "TailorServerTests",
        dependencies: [
            "TailorCore", "TailorStore", "TailorEngine", "TailorMail", "TailorServer", "TailorTesting", "TailorTestLaunch",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
        ],
        swiftSettings: swiftSettings
    ),
]

// MARK: - Package

let package = Package(
    name: "tailor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tailor", targets: ["tailor"]),
        .library(name: "Liquid", targets: ["Liquid"]),
        .library(name: "TailorML", targets: ["TailorML"]),
        .library(name: "TailorMail", targets: ["TailorMail"]),
        .library(name: "TailorStats", targets: ["TailorStats"]),
    ],
    dependencies: dependencies,
    targets: liquidTargets + mlTargets + mailTargets + statsTargets + tailorTargets
)

// MARK: - Focused leaf builds

if let leaves = Context.environment["TAILOR_LEAF"], !leaves.isEmpty {
    let names = leaves.split(separator: ",").map(String.init)
    // Naming any test target explicitly keeps only the test targets named.
    let explicitTests = names.contains { $0.hasSuffix("Tests") }
    // C targets go with the targets that use them.
    let keep = Set(explicitTests ? names : names + names.map { $0 + "Tests" }).union(["CTailorSQLite", "TailorTestLaunch"])
    package.targets = package.targets.filter { keep.contains($0.name) }
    // A kept target may name one that is left out (Engine names the leaves before it uses them).
    for target in package.targets {
        target.dependencies = target.dependencies.filter { dependency in
            switch dependency {
            case .byNameItem(let name, _), .targetItem(let name, _): return keep.contains(name)
            default: return true
            }
        }
    }
    package.products = names.filter { !$0.hasSuffix("Tests") }.map { .library(name: $0, targets: [$0]) }
}
