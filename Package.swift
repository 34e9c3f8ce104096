// swift-tools-version:6.1
import PackageDescription

// How the one binary is linked (lld ships with the toolchain). Every `ctr` process (daemon, shim,
// client) pays at start for what the dynamic loader has to do and keeps what it touched:
// - no exported dynamic symbols: the static Swift runtime's link arguments export all ~70k of
//   them, 6.8 MB of symbol tables that libc's own symbol lookups then hash through at start;
// - no PIE, as Go builds containerd's binaries: 1.2 MB of pointers in .data.rel.ro would
//   otherwise be relocated, and so copied, in every process instead of shared from the file;
// - in release builds, identical functions folded into one (generic specializations and outlined
//   copies repeat a lot): 4.5 MB less once every module is compiled with function sections,
//   which scripts/build-release.sh asks for.
let binaryLayout: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xlinker", "--no-export-dynamic", "-Xclang-linker", "-no-pie"]),
    .unsafeFlags(["-Xlinker", "--icf=all"], .when(configuration: .release)),
]

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

let package = Package(
    name: "ctr",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ctr", targets: ["ctr"]),
        .executable(name: "ctr-fuzz", targets: ["Fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        // Without the BinaryDelimitedStreams trait SwiftProtobuf needs only FoundationEssentials, which
        // keeps full Foundation and its 34 MB of ICU data out of the static binary.
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0", traits: ["FieldMaskUtilities"]),
        // The daemon's own server transport (Sources/Transport) implements grpc-swift-2's
        // ServerTransport and relies on behaviour of its GRPCServer that the API does not pin down
        // (how it drives a stream's parts, cancellation and shutdown). Patch releases only, until the
        // transport has been checked against the next minor version.
        .package(url: "https://github.com/grpc/grpc-swift-2.git", .upToNextMinor(from: "2.4.3")),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Already required by grpc-swift-nio-transport (through swift-certificates); named for SHA-256.
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        // Already required by grpc-swift-nio-transport; named for the stream server's self-signed
        // certificate (enable_tls_streaming without a key pair).
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        // The daemon's own gRPC server transport (Sources/Transport) works on HTTP/2 frames.
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
    ],
    targets: [
        .executableTarget(
            name: "ctr",
            dependencies: ["Commands", "Runtime"],
            swiftSettings: strict,
            linkerSettings: binaryLayout
        ),
        // The fuzz targets (scripts/fuzz.sh builds them with libFuzzer; a normal build replays inputs).
        .executableTarget(
            name: "Fuzz",
            dependencies: ["Core", "Snapshots", "TOML", "YAML", "Transport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Commands",
            dependencies: [
                "Core", "Client", "CRIClient", "Daemon", "API", "Registry", "Archive", "Runtime", "Snapshots", "YAML",
                "CLinux", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            // GNU readline for `ctr shell`, linked statically: the daemon and the shims, the same
            // binary, never load it or libtinfo at start.
            linkerSettings: [.unsafeFlags(["-Xlinker", "-l:libreadline.a", "-Xlinker", "-l:libtinfo.a"])]
        ),
        .target(
            name: "Daemon",
            dependencies: [
                "Core", "API", "TOML", "Store", "Snapshots", "Runtime", "Registry", "Transport", "Streaming",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strict
        ),
        // The daemon's gRPC server transport: HTTP/2 on a Unix socket for grpc-swift's GRPCServer,
        // knowing nothing of the daemon (GRPCCore, NIO and NIOHTTP2 only).
        .target(
            name: "Transport",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
            ],
            swiftSettings: strict
        ),
        // The Kubernetes streaming protocols (SPDY/3.1 and WebSocket framing, remotecommand and
        // portforward): spoken by the daemon's stream server and by `ctr cri exec/attach/port-forward`.
        .target(
            name: "Streaming",
            dependencies: ["Core", "CZlib", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "Client",
            dependencies: [
                "Core", "API",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "CRIClient",
            dependencies: [
                "Core", "API", "Client", "YAML", "Streaming", "CLinux",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Core",
            dependencies: ["CLinux", "TOML", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "Registry",
            dependencies: [
                "Core",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Archive",
            dependencies: ["Core", "Tar", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "Snapshots",
            dependencies: ["Core", "Store", "Tar", "CLinux", "CZlib", "CZstd",
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        // Tar headers (ustar, PAX, GNU long names, base-256 numbers): read and written by both the
        // image archives (Archive) and the layers (Snapshots). A leaf on Core, so neither waits for the other.
        .target(
            name: "Tar",
            dependencies: ["Core"],
            swiftSettings: strict
        ),
        .target(
            name: "Runtime",
            dependencies: ["Core", "CLinux",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(name: "CLinux"),
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),
        // zlib, zstd and SQLite without pkg-config: their headers are in /usr/include, and the
        // `-L/usr/lib/x86_64-linux-gnu` pkg-config adds would put the shared libraries ahead of the
        // archives scripts/build-release.sh links the release binary with (zlib's and zstd's).
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZstd", providers: [.apt(["libzstd-dev"])]),
        .target(
            name: "YAML",
            dependencies: ["Core"],
            swiftSettings: strict
        ),
        .target(
            name: "TOML",
            dependencies: [],
            swiftSettings: strict
        ),
        .target(
            name: "Store",
            dependencies: ["Core", "CSQLite"],
            swiftSettings: strict
        ),
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "API",
            dependencies: [
                "Core",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DaemonTests",
            dependencies: ["Core", "TOML", "Store", "Daemon", "API", "TestSupport", "Transport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CoreTests",
            dependencies: ["Core", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TarTests",
            dependencies: ["Tar", "Core", "Archive", "Snapshots", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SnapshotsTests",
            dependencies: ["Snapshots", "Core", "Store", "Daemon", "CLinux", "CZlib", "CZstd", "TestSupport",
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ShimTests",
            dependencies: ["Runtime", "Core", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CRITests",
            dependencies: ["Daemon", "CRIClient", "Commands", "Runtime", "API", "Core", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ArchiveTests",
            dependencies: ["Archive", "Core", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RegistryTests",
            dependencies: ["Registry", "Core", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CommandsTests",
            dependencies: ["Commands", "Core", "YAML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // What the test targets share (running programs, temporary directories, waits with a bound).
        .target(
            name: "TestSupport",
            dependencies: ["Core"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "Core", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TransportTests",
            dependencies: ["Transport", "TestSupport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ClientTests",
            dependencies: ["Client",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "StreamingTests",
            dependencies: ["Streaming", "Core", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TOMLTests",
            dependencies: ["TOML", "Core", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "YAMLTests",
            dependencies: ["YAML", "Core", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Core", "API", "Client", "TestSupport",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            swiftSettings: strict
        ),
    ]
)
