// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "TokenForge",
    products: [
        .executable(name: "tokenforge", targets: ["tokenforge"]),
        .executable(name: "tokenforge-emulator", targets: ["tokenforge-emulator"]),
        .library(name: "OTPCore", targets: ["OTPCore"]),
        .library(name: "hidapi-standin", type: .dynamic, targets: ["HIDAPIStandIn"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "OTPCore",
            dependencies: ["CLibCrypto", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "TokenWire",
            dependencies: ["OTPCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "NitrokeyWire",
            dependencies: ["OTPCore"]
        ),
        .target(
            name: "VirtualToken",
            dependencies: ["TokenWire", "NitrokeyWire", "OTPCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .systemLibrary(
            name: "CHIDAPI",
            pkgConfig: "hidapi-hidraw",
            providers: [.apt(["libhidapi-dev"])]
        ),
        .target(
            name: "HIDAPIStandIn",
            path: "Sources/HIDAPIStandIn"
        ),
        .target(
            name: "HIDTransport",
            dependencies: ["CHIDAPI"]
        ),
        .target(
            name: "TokenDrivers",
            dependencies: [
                "TokenWire", "NitrokeyWire", "HIDTransport", "OTPCore", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Provisioning",
            dependencies: ["TokenDrivers", "TokenWire", "OTPCore"]
        ),
        .target(
            name: "EmulatorServer",
            dependencies: ["VirtualToken", "TokenWire", "NitrokeyWire", "HIDTransport"]
        ),
        .executableTarget(
            name: "tokenforge-emulator",
            dependencies: [
                "EmulatorServer", "VirtualToken", "NitrokeyWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZBar", pkgConfig: "zbar", providers: [.apt(["libzbar-dev"])]),
        .target(
            name: "Activation",
            dependencies: [
                "OTPCore", "CQRencode", "CPNG", "CZBar",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["migration.proto"]
        ),
        .target(
            name: "Exports",
            dependencies: [
                "OTPCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "qr-bench",
            dependencies: ["Activation", "OTPCore"],
            path: "bench/qr-bench"
        ),
        .target(
            name: "Issuance",
            dependencies: [
                "OTPCore", "Activation", "Exports", "TokenWire", "TokenDrivers", "Provisioning", "EmulatorServer",
                "VirtualToken",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "tokenforge",
            dependencies: [
                "OTPCore", "Activation", "TokenWire", "HIDTransport", "TokenDrivers", "Provisioning", "Issuance",
                "EmulatorServer", "VirtualToken",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "otp-bench",
            dependencies: ["OTPCore"],
            path: "bench/otp-bench"
        ),
        .executableTarget(
            name: "token-bench",
            dependencies: ["VirtualToken", "TokenWire", "OTPCore"],
            path: "bench/token-bench"
        ),
        .executableTarget(
            name: "device-bench",
            dependencies: ["HIDTransport", "TokenDrivers", "Provisioning", "TokenWire", "OTPCore"],
            path: "bench/device-bench"
        ),
        .executableTarget(
            name: "nitrokey-bench",
            dependencies: ["HIDTransport", "TokenDrivers", "Provisioning", "TokenWire", "OTPCore"],
            path: "bench/nitrokey-bench"
        ),
        .executableTarget(
            name: "issue-bench",
            dependencies: ["Issuance"],
            path: "bench/issue-bench"
        ),
        .target(
            name: "TestSupport",
            path: "Tests/Support"
        ),
        .testTarget(
            name: "TestSupportTests",
            dependencies: ["TestSupport"]
        ),
        .testTarget(
            name: "OTPCoreTests",
            dependencies: [
                "TestSupport",
                "OTPCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "TokenWireTests",
            dependencies: [
                "TokenWire", "OTPCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "NitrokeyWireTests",
            dependencies: ["NitrokeyWire", "OTPCore"]
        ),
        .testTarget(
            name: "VirtualTokenTests",
            dependencies: [
                "TestSupport",
                "VirtualToken", "TokenWire", "NitrokeyWire", "OTPCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "TokenDriversTests",
            dependencies: ["TokenDrivers", "TokenWire", "NitrokeyWire", "HIDTransport", "OTPCore", "EmulatorServer", "VirtualToken"]
        ),
        .testTarget(
            name: "IssuanceTests",
            dependencies: [
                "Issuance", "Exports", "EmulatorServer", "VirtualToken", "Provisioning", "TokenDrivers", "TokenWire", "OTPCore",
            ]
        ),
        .testTarget(
            name: "ProvisioningTests",
            dependencies: ["Provisioning", "TokenDrivers", "EmulatorServer", "VirtualToken", "TokenWire", "OTPCore"]
        ),
        .testTarget(
            name: "ActivationTests",
            dependencies: ["TestSupport", "Activation", "OTPCore"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ExportsTests",
            dependencies: [
                "TestSupport",
                "Exports", "OTPCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "TokenForgeCLITests",
            dependencies: ["TestSupport", "OTPCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
