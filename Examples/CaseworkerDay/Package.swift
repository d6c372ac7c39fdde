// swift-tools-version:6.1
// An app team's package: it depends on the FieldRoll checkout two folders up and uses only the
// public API of FieldRollClient (`package` symbols of FieldRoll are out of its reach).
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its folder, whatever that folder is called.
let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardizedFileURL
let identity = checkout.lastPathComponent.lowercased()

let package = Package(
    name: "CaseworkerDay",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: checkout.path)],
    targets: [
        .executableTarget(
            name: "caseworker-day",
            dependencies: [.product(name: "FieldRollClient", package: identity)],
            swiftSettings: [.swiftLanguageMode(.v6)])
    ]
)
