// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "TokenForge",
    products: [
        .executable(name: "tokenforge", targets: ["tokenforge"]),
        .executable(name: "tokenforge-emulator", targets: ["tokenforge-emulator"]),
        .library(name: "OTPCore", targets: ["OTPCore"]),
        .library(name: "hidapi-standin", type: .dynamic, targets: ["HIDAPIStandIn"]),
        /// For the fuzz package (fuzz/) only: the parsers and wire sides as fuzz targets.
        .library(name: "FuzzHarnesses", targets: ["FuzzHarnesses"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
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
        .target(name: "TokenModel", dependencies: ["OTPCore"]),
        .target(name: "CFileSync"),
        .target(
            name: "DurableFiles",
            dependencies: ["CFileSync", .product(name: "SystemPackage", package: "swift-system")]
        ),
        .target(
            name: "TokenWire",
            dependencies: [
                "OTPCore", "TokenModel", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "NitrokeyWire",
            dependencies: ["OTPCore"]
        ),
        .target(
            name: "OATHWire",
            dependencies: ["OTPCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "VirtualToken",
            dependencies: [
                "TokenWire", "NitrokeyWire", "OATHWire", "TokenModel", "OTPCore", "DurableFiles",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
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
        .target(name: "TokenTransport"),
        .systemLibrary(name: "CPCSCLite", pkgConfig: "libpcsclite", providers: [.apt(["libpcsclite-dev"])]),
        .target(name: "PCSCTransport", dependencies: ["CPCSCLite", "TokenTransport"]),
        .target(
            name: "HIDAPITransport",
            dependencies: ["CHIDAPI", "TokenTransport"]
        ),
        .target(
            name: "TokenDrivers",
            dependencies: ["TokenModel", "TokenTransport", "OTPCore"]
        ),
        .target(
            name: "SpecTokenFamily",
            dependencies: [
                "TokenDrivers", "TokenModel", "TokenTransport", "TokenWire", "OTPCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "NitrokeyProFamily",
            dependencies: ["TokenDrivers", "TokenModel", "TokenTransport", "NitrokeyWire", "OTPCore"]
        ),
        .target(
            name: "YubiKeyOATHFamily",
            dependencies: ["TokenDrivers", "TokenModel", "TokenTransport", "OATHWire", "OTPCore"]
        ),
        .target(
            name: "Discovery",
            dependencies: [
                "TokenDrivers", "TokenModel", "TokenTransport", "SpecTokenFamily", "NitrokeyProFamily", "YubiKeyOATHFamily",
            ]
        ),
        .target(
            name: "Provisioning",
            dependencies: ["Discovery", "TokenDrivers", "TokenModel", "OTPCore"]
        ),
        .target(
            name: "EmulatorServer",
            dependencies: ["VirtualToken", "TokenWire", "NitrokeyWire", "TokenModel"]
        ),
        .target(
            name: "TokenTesting",
            dependencies: [
                "EmulatorServer", "VirtualToken", "TokenTransport", "TokenDrivers", "SpecTokenFamily", "Provisioning",
                "TokenModel", "YubiKeyOATHFamily",
            ]
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
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZBar", pkgConfig: "zbar", providers: [.apt(["libzbar-dev"])]),
        .systemLibrary(
            name: "CPangoCairo", pkgConfig: "pangocairo", providers: [.apt(["libcairo2-dev", "libpango1.0-dev"])]),
        .target(name: "LetterPDF", dependencies: ["Activation", "CPangoCairo"]),
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
                "OTPCore", "CLibXML2",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "soak",
            dependencies: [
                "EmulatorServer", "VirtualToken", "TokenTesting", "Provisioning", "SpecTokenFamily", "NitrokeyProFamily",
                "NitrokeyWire", "TokenDrivers", "TokenModel", "TokenTransport", "OTPCore", "YubiKeyOATHFamily",
            ],
            path: "bench/soak"
        ),
        .executableTarget(
            name: "issue-soak",
            dependencies: ["Issuance", "Exports", "Activation", "OTPCore", "TestSupport"],
            path: "bench/issue-soak"
        ),
        .executableTarget(
            name: "qr-bench",
            dependencies: ["Activation", "OTPCore"],
            path: "bench/qr-bench"
        ),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "PrivacyIDEA", dependencies: ["CCurl"]),
        .target(
            name: "Issuance",
            dependencies: [
                "OTPCore", "Activation", "Exports", "PrivacyIDEA", "TokenModel", "TokenDrivers", "Discovery", "Provisioning",
                "DurableFiles", "LetterPDF", .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Demo",
            dependencies: ["Issuance", "TokenTesting", "TokenModel", "OTPCore"]
        ),
        .target(
            name: "TokenForgeCLI",
            dependencies: [
                "OTPCore", "Activation", "TokenModel", "TokenTransport", "HIDAPITransport", "PCSCTransport", "TokenDrivers",
                "Discovery",
                "Provisioning", "Issuance", "Demo", "DurableFiles", "Exports", "PrivacyIDEA",
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "tokenforge", dependencies: ["TokenForgeCLI"]),
        .executableTarget(
            name: "tokenforge-fault-injection",
            dependencies: ["TokenForgeCLI"],
            path: "Tests/FaultInjection"
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
            dependencies: ["HIDAPITransport", "Discovery", "SpecTokenFamily", "Provisioning", "TokenModel", "OTPCore"],
            path: "bench/device-bench"
        ),
        .executableTarget(
            name: "nitrokey-bench",
            dependencies: ["HIDAPITransport", "Discovery", "NitrokeyProFamily", "Provisioning", "TokenModel", "OTPCore"],
            path: "bench/nitrokey-bench"
        ),
        .executableTarget(
            name: "yubikey-bench",
            dependencies: ["PCSCTransport", "TokenTransport", "YubiKeyOATHFamily", "Provisioning", "TokenModel", "OTPCore"],
            path: "bench/yubikey-bench"
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
        .target(
            name: "FuzzHarnesses",
            dependencies: [
                "OTPCore", "TokenModel", "TokenWire", "NitrokeyWire", "VirtualToken", "EmulatorServer", "Issuance",
                "Exports", "Activation", .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/FuzzHarnesses"
        ),
        .testTarget(
            name: "FuzzCorpusTests",
            dependencies: ["FuzzHarnesses"]
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
                "TestSupport", "TokenWire", "TokenModel", "OTPCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "NitrokeyWireTests",
            dependencies: ["NitrokeyWire", "OTPCore"]
        ),
        .testTarget(
            name: "OATHWireTests",
            dependencies: ["TestSupport", "OATHWire", "OTPCore"]
        ),
        .testTarget(
            name: "DurableFilesTests",
            dependencies: ["DurableFiles", "CFileSync", .product(name: "SystemPackage", package: "swift-system")]
        ),
        .testTarget(
            name: "VirtualTokenTests",
            dependencies: [
                "TestSupport", "OATHWire",
                "VirtualToken", "TokenWire", "NitrokeyWire", "TokenModel", "OTPCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "TokenDriversTests",
            dependencies: [
                "TokenDrivers", "SpecTokenFamily", "NitrokeyProFamily", "Discovery", "TokenModel", "TokenTransport",
                "TokenWire", "NitrokeyWire", "OTPCore", "TokenTesting", "EmulatorServer", "VirtualToken",
                "YubiKeyOATHFamily", "OATHWire", "Provisioning", "TestSupport",
            ]
        ),
        .testTarget(
            name: "IssuanceTests",
            dependencies: [
                "TestSupport", "Activation", "LetterPDF", "Issuance", "Exports", "TokenTesting", "Provisioning", "TokenDrivers", "SpecTokenFamily", "TokenModel",
                "OTPCore",
            ]
        ),
        .testTarget(
            name: "ProvisioningTests",
            dependencies: [
                "Provisioning", "Discovery", "TokenDrivers", "SpecTokenFamily", "NitrokeyProFamily", "TokenTesting",
                "EmulatorServer", "VirtualToken", "TokenModel", "TokenTransport", "TokenWire", "OTPCore",
            ]
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
            dependencies: [
                "TestSupport", "OTPCore", "TokenForgeCLI", "Issuance", "PrivacyIDEA",
                "PCSCTransport", "YubiKeyOATHFamily", "Provisioning", "TokenModel", "TokenTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
