// swift-tools-version: 6.2
// Release benchmark for TailorMail: render + DKIM-sign + send over SMTP, against Postfix's smtp-sink.
// `run` links the repository root as `.root/tailor` (so the package identity is stable whatever the
// clone's folder is called) and builds with TAILOR_LEAF=TailorMail so only the mail library compiles.

import PackageDescription

let package = Package(
    name: "TailorMailBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(path: ".root/tailor")],
    targets: [
        .executableTarget(
            name: "mail-bench",
            dependencies: [.product(name: "TailorMail", package: "tailor")],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("InternalImportsByDefault")]
        )
    ]
)
