// swift-tools-version: 6.1
import PackageDescription

/// libFuzzer build of TokenForge's fuzz targets (Tests/FuzzHarnesses); see scripts/fuzz.
let package = Package(
    name: "TokenForgeFuzz",
    dependencies: [.package(name: "TokenForge", path: "..")],
    targets: [
        .executableTarget(
            name: "tokenforge-fuzz",
            dependencies: [.product(name: "FuzzHarnesses", package: "TokenForge")]
        )
    ],
    swiftLanguageModes: [.v6]
)
