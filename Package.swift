// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "FieldRoll",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "FieldRollCore", targets: ["FieldRollCore"]),
        .library(name: "FieldRollClient", targets: ["FieldRollClient"]),
        .library(name: "FieldRollServer", targets: ["FieldRollServer"]),
        .executable(name: "fieldroll", targets: ["fieldroll"]),
        .executable(name: "fieldroll-server", targets: ["fieldroll-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .target(
            name: "FieldRollCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "FieldRollClient",
            dependencies: [
                "FieldRollCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "FieldRollServer",
            dependencies: ["FieldRollCore"]
        ),
        .executableTarget(
            name: "fieldroll",
            dependencies: [
                "FieldRollClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "fieldroll-server",
            dependencies: [
                "FieldRollServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "FieldRollCoreTests", dependencies: ["FieldRollCore"]),
        .testTarget(name: "FieldRollClientTests", dependencies: ["FieldRollClient"]),
        .testTarget(name: "FieldRollServerTests", dependencies: ["FieldRollServer"]),
    ]
)
