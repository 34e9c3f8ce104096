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
    @Flag(name: .customLong("plain-http"), help: "Use plain HTTP for the registry.") var plainHTTP = false
    @Option(name: [.short, .long], help: ArgumentHelp("Registry credentials.", valueName: "user[:password]"))
    var user: String?
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
        var credentials: RegistryCredentials?
        if let user {
            let parts = user.split(separator: ":", maxSplits: 1).map(String.init)
            credentials = RegistryCredentials(username: parts[0], password: parts.count > 1 ? parts[1] : "")
        }
        let started = ContinuousClock.now
        // A lease holds what the pull writes until the image record exists.
        let expire = Timestamp(seconds: Timestamp.now.seconds + 3600)
        let lease = try await client.createLease(
            id: "ctr-pull-" + String(Timestamp.now.unixNanos, radix: 36),
            labels: [WellKnownLabels.gcExpire: RFC3339.format(expire)])
        let leased = client.withLease(lease.id)
        let quiet = self.quiet
        let pull = ImagePull(
            registry: RegistryClient(plainHTTP: plainHTTP, credentials: credentials),
            store: GRPCContentIngester(client: leased),
            platforms: PlatformMatcher(platforms: platform, all: allPlatforms),
            progress: { event in if !quiet { PullProgress.print(event) } })
        do {
            let target = try await pull.run(reference)
            let image = Image(name: reference.description, target: target)
            if (try? await client.getImage(image.name)) != nil {
                try await client.updateImage(image, paths: ["target"])
            } else {
                try await client.createImage(image)
            }
            try? await client.deleteLease(lease.id)
            if quiet {
                printOut(target.digest.description)
            } else {
                let elapsed = ContinuousClock.now - started
                let millis = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
                printOut("\(reference): \(target.digest) (\(Double(millis) / 1000) s)")
            }
        } catch {
            try? await client.deleteLease(lease.id)
            throw error
        }
    }
}

/// One line per manifest or blob as it lands; suitable for terminals and logs alike.
enum PullProgress {
    static func print(_ event: PullEvent) {
        switch event {
        case .resolved(let descriptor):
            printOut("resolved \(descriptor.digest) (\(descriptor.mediaType))")
        case .present(let descriptor):
            printOut("exists   \(descriptor.digest) \(humanSize(descriptor.size))")
        case .stored(let descriptor):
            printOut("fetched  \(descriptor.digest) \(humanSize(descriptor.size))")
        case .progress:
            break
        }
        flushStandardOutput()
    }
}
