// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "FieldRoll",
    platforms: [.macOS(.v14), .iOS(.v17)],
    products: [
        .library(name: "FieldRollCore", targets: ["FieldRollCore"]),
        .library(name: "FieldRollClient", targets: ["FieldRollClient"]),
        .library(name: "FieldRollServer", targets: ["FieldRollServer"]),
        .executable(name: "fieldroll", targets: ["fieldroll"]),
        .executable(name: "fieldroll-server", targets: ["fieldroll-server"]),
        .executable(name: "fieldroll-device-bench", targets: ["fieldroll-device-bench"]),
        .executable(name: "fieldroll-bench", targets: ["fieldroll-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "FieldRollGzip", dependencies: ["CZlib"]),
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
                "FieldRollGzip",
                // libcurl on Linux; URLSession (URLSessionHTTPClient) where it is not built.
                .target(name: "CCurl", condition: .when(platforms: [.linux])),
            ]
        ),
        .target(
            name: "FieldRollServer",
            dependencies: [
                "FieldRollCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // Only the bcrypt hash (a small C target); the rest of hummingbird-auth is not built.
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                "FieldRollGzip",
            ],
            // The console's templates: files to edit, compiled into the binary (one file to
            // deploy) and parsed when the server starts (ConsoleTemplate.library()).
            resources: [
                .embedInCode("Resources/Console/audit.mustache"),
                .embedInCode("Resources/Console/conflicts.mustache"),
                .embedInCode("Resources/Console/dashboard.mustache"),
                .embedInCode("Resources/Console/devices.mustache"),
                .embedInCode("Resources/Console/household.mustache"),
                .embedInCode("Resources/Console/import.mustache"),
                .embedInCode("Resources/Console/layout.mustache"),
                .embedInCode("Resources/Console/login.mustache"),
                .embedInCode("Resources/Console/message.mustache"),
                .embedInCode("Resources/Console/notice.mustache"),
                .embedInCode("Resources/Console/notice_view.mustache"),
                .embedInCode("Resources/Console/pager.mustache"),
                .embedInCode("Resources/Console/payments.mustache"),
                .embedInCode("Resources/Console/review.mustache"),
                .embedInCode("Resources/Console/roll.mustache"),
                .embedInCode("Resources/Console/roll_review.mustache"),
                .embedInCode("Resources/Console/search.mustache"),
                .embedInCode("Resources/Console/standards.mustache"),
                .embedInCode("Resources/Console/survey.mustache"),
                .embedInCode("Resources/Console/village_roll.mustache"),
            ]
        ),
        // Test-only helpers (a throwaway PostgreSQL cluster); no product exports it.
        .target(name: "FieldRollTestSupport", path: "Tests/Support"),
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
                // Only for `demo`, which simulates devices; the server library never imports the client.
                "FieldRollClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "fieldroll-device-bench",
            dependencies: ["FieldRollClient", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/DeviceBench"),
        .executableTarget(
            name: "fieldroll-bench",
            dependencies: [
                "FieldRollClient", "FieldRollServer", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/Sync"
        ),
        .testTarget(
            name: "FieldRollCoreTests",
            dependencies: [
                "FieldRollCore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "FieldRollClientTests",
            dependencies: [
                "FieldRollClient", "FieldRollCore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "FieldRollEndToEndTests",
            dependencies: [
                "FieldRollTestSupport",
                "FieldRollClient", "FieldRollServer", "FieldRollCore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "FieldRollServerTests",
            dependencies: [
                "FieldRollTestSupport",
                "FieldRollServer", "FieldRollCore", "FieldRollGzip", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
    ]
)
