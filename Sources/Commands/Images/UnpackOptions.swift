import ArgumentParser
import Client
import Core
import Glibc

/// `--snapshotter` and `--no-unpack`, shared by pull and import.
struct UnpackOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Snapshotter to unpack into (env CONTAINERD_SNAPSHOTTER).", valueName: "name"))
    var snapshotter: String = UnpackOptions.defaultSnapshotter
    @Flag(name: .customLong("no-unpack"), help: "Only fetch content; do not unpack layers into snapshots.")
    var noUnpack = false

    init() {}

    static var defaultSnapshotter: String {
        if let name = getenv("CONTAINERD_SNAPSHOTTER").map({ String(cString: $0) }), !name.isEmpty { return name }
        return "overlayfs"
    }

    /// Unpacks `image` for the first wanted platform through the daemon's Snapshots and Diff
    /// services; `client` should carry the lease that holds the new snapshots.
    func unpack(_ image: Image, client: ContainerdClient, platforms: PlatformMatcher, quiet: Bool) async throws {
        guard !noUnpack else { return }
        try await Self.unpack(image, snapshotter: snapshotter, client: client, platforms: platforms, quiet: quiet)
    }

    /// The same, for callers without parsed options (`ctr run`, `ctr cri load`).
    static func unpack(_ image: Image, snapshotter: String, client: ContainerdClient, platforms: PlatformMatcher,
                       quiet: Bool) async throws {
        let platform = PlatformMatcher(platforms: Array(platforms.platforms.prefix(1)))
        if !quiet { printOut("unpacking \(platform.platforms.joined()) \(image.target.digest)...") }
        let started = ContinuousClock.now
        let unpack = ImageUnpack(content: GRPCContentIngester(client: client), labeler: GRPCDiffer(client: client),
                                 snapshotter: GRPCSnapshotter(client: client, name: snapshotter),
                                 snapshotterName: snapshotter, differ: GRPCDiffer(client: client), platforms: platform)
        try await unpack.run(image.name, target: image.target)
        if !quiet {
            let elapsed = ContinuousClock.now - started
            let millis = elapsed.milliseconds
            printOut("done: \(Double(millis) / 1000) s")
        }
    }
}
