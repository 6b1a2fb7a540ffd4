// swift-tools-version:5.9
// CStarWebhooks: the cStar webhooks core (Rust) for Swift through uniffi.
//
// Binary-target layout: `CStarWebhooksFFI.xcframework` holds the static library for each
// Apple platform plus the generated C header and module map (built by
// `build-xcframework.sh` on macOS); `Sources/CStarWebhooks` holds the generated Swift
// (`cstar_webhooks.swift`, from `test.sh` / `build-xcframework.sh`) and hand-written extensions.
//
// A release publishes the xcframework as a zip and swaps the path for
// `.binaryTarget(name: "CStarWebhooksFFI", url: "https://…/CStarWebhooksFFI.xcframework.zip", checksum: "…")`.
import PackageDescription

let package = Package(
    name: "CStarWebhooks",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "CStarWebhooks", targets: ["CStarWebhooks"]),
    ],
    targets: [
        .binaryTarget(name: "CStarWebhooksFFI", path: "CStarWebhooksFFI.xcframework"),
        .target(
            name: "CStarWebhooks",
            dependencies: ["CStarWebhooksFFI"],
            path: "Sources/CStarWebhooks"
        ),
        .testTarget(
            name: "CStarWebhooksTests",
            dependencies: ["CStarWebhooks"],
            path: "Tests/CStarWebhooksTests"
        ),
    ]
)
