import ArgumentParser
import Client
import Core
import Registry

/// `ctr images pull REF`: resolves and fetches an image from a registry into the daemon's
/// content store (over the containerd API, so it works against containerd too), then records it.
struct ImagesPull: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull", abstract: "Pull an image from a registry.",
        discussion: "Loopback registries (localhost, 127.0.0.1) are reached over plain HTTP.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup(title: "Registry Options") var registryOptions: RegistryOptions
    @OptionGroup(title: "Unpack Options") var unpackOptions: UnpackOptions
    @Option(name: .long, help: ArgumentHelp("Platform to pull (repeatable; default linux/amd64).", valueName: "os/arch"))
    var platform: [String] = []
    @Flag(name: .customLong("all-platforms"), help: "Pull the content of every platform.") var allPlatforms = false
    @Flag(name: [.short, .long], help: "Print only the image's digest when done.") var quiet = false
    @Argument(help: "The image reference, e.g. 127.0.0.1:5000/busybox:latest.") var reference: String

    func validate() throws {
        _ = try Reference(parsing: reference)
    }

    func run(client: ContainerdClient) async throws {
        let reference = try Reference(parsing: reference)
        let platforms = PlatformMatcher(platforms: platform, all: allPlatforms)
        let target = try await Self.fetch(reference, client: client, registryOptions: registryOptions,
                                          platforms: platforms, quiet: quiet)
        try await client.withTemporaryLease(prefix: "ctr-unpack-") { leased in
            try await unpackOptions.unpack(Image(name: reference.description, target: target), client: leased,
                                           platforms: platforms, quiet: quiet)
        }
    }
}

extension ImagesPull {
    /// Resolves `reference`, fetches its content for `platforms` into the daemon's content store
    /// with progress, and records the image; returns its target. `ctr content fetch` is this alone.
    static func fetch(_ reference: Reference, client: ContainerdClient, registryOptions: RegistryOptions,
                      platforms: PlatformMatcher, quiet: Bool) async throws -> Descriptor {
        let started = ContinuousClock.now
        let display = ProgressDisplay(quiet: quiet)
        let registry = try registryOptions.makeClient()
        let target: Descriptor
        do {
            // A lease holds what the pull writes until the image record exists.
            target = try await client.withTemporaryLease(prefix: "ctr-pull-") { leased in
                let pull = ImagePull(registry: registry, store: GRPCContentIngester(client: leased), platforms: platforms,
                                     progress: { event in PullProgress.show(event, on: display) })
                let target = try await pull.run(reference)
                try await client.putImage(Image(name: reference.description, target: target))
                return target
            }
        } catch {
            await registry.close()
            throw error
        }
        await registry.close()
        if quiet {
            printOut(target.digest.description)
        } else {
            let elapsed = ContinuousClock.now - started
            let millis = elapsed.milliseconds
            display.finish("\(reference): \(target.digest) (\(Double(millis) / 1000) s)")
        }
        return target
    }
}

/// Maps pull events onto the progress display.
enum PullProgress {
    static func show(_ event: PullEvent, on display: ProgressDisplay) {
        switch event {
        case .resolved:
            break
        case .present(let descriptor):
            display.update(descriptor, label: label(descriptor), state: .exists)
        case .progress(let descriptor, let bytes):
            display.update(descriptor, label: label(descriptor), state: .downloading, bytes: bytes)
        case .stored(let descriptor):
            display.update(descriptor, label: label(descriptor), state: .done)
        }
    }

    /// `manifest-sha256:1a2b3c4d5e6f` / `layer-sha256:…` like containerd's progress names.
    static func label(_ descriptor: Descriptor) -> String {
        "\(MediaType.kind(descriptor.mediaType))-sha256:\(descriptor.digest.hex.prefix(12))"
    }
}
