import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri create POD CTR-CONFIG POD-CONFIG`: creates a container in a pod, pulling its image
/// through the image service when the runtime lacks it.
struct CRICreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a new container.",
        discussion: "The configs are a ContainerConfig and a PodSandboxConfig in JSON or YAML, as crictl takes.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @OptionGroup(title: "Pull Options") var pull: CRIPullOptions
    @Argument(help: "The pod ID.", completion: .custom(CRICompletions.pods)) var pod: String
    @Argument(help: "The container config file.", completion: .file(extensions: ["json", "yaml", "yml"]))
    var containerConfig: String
    @Argument(help: "The pod sandbox config file.", completion: .file(extensions: ["json", "yaml", "yml"]))
    var podConfig: String

    func validate() throws { try pull.validate() }

    func run() async throws {
        let container = try CRIConfigFile.containerConfig(path: containerConfig)
        let sandbox = try CRIConfigFile.podSandboxConfig(path: podConfig)
        try await pull.ensureImage(container.image.image, sandbox: sandbox, cri: cri)
        let id = try await cri.withRuntime(.lifecycle) {
            try await $0.createContainer(podID: pod, config: container, sandboxConfig: sandbox)
        }
        printOut(id)
    }
}

/// `--pull-timeout` of pull, create and run: the PullImage call's deadline.
struct PullTimeout: ParsableArguments, Sendable {
    @Option(name: .customLong("pull-timeout"), help: ArgumentHelp(
        "Longest a pull may take (e.g. 5m); 0 means no limit (default).", valueName: "duration"))
    var pullTimeout: String?

    func validate() throws { _ = try limit }

    /// --pull-timeout, parsed.
    var limit: Duration? {
        get throws { try pullTimeout.map { try Durations.parse($0, option: "--pull-timeout") } }
    }

    /// Runs `body` on the image service with --pull-timeout as its deadline; running out names
    /// the image and the flag.
    func pull(_ image: String, cri: CRIOptions, _ body: (CRIClient) async throws -> String) async throws -> String {
        let limit = try self.limit
        do {
            return try await cri.withImages(.pull(limit)) { try await body($0) }
        } catch let error as CtrError where error.code == .deadlineExceeded && limit != nil {
            throw CtrError(.deadlineExceeded, "pull \(image): not done within --pull-timeout \(pullTimeout ?? "")")
        }
    }
}

/// `--no-pull`, `--with-pull` and `--pull-timeout` of create and run.
struct CRIPullOptions: ParsableArguments {
    @Flag(name: .customLong("no-pull"), help: "Do not pull the image (the runtime must have it).") var noPull = false
    @Flag(name: .customLong("with-pull"), help: "Pull the image even when the runtime has it.") var withPull = false
    @OptionGroup var timeout: PullTimeout

    func validate() throws {
        if noPull && withPull { throw ValidationError("--no-pull and --with-pull cannot be used together") }
    }

    /// Pulls `image` through the image service unless --no-pull, or when it is already there
    /// (unless --with-pull).
    func ensureImage(_ image: String, sandbox: Runtime_V1_PodSandboxConfig, cri: CRIOptions) async throws {
        guard !noPull else { return }
        guard !image.isEmpty else { throw CtrError.invalidArgument("the container config names no image (image.image)") }
        if !withPull {
            let present = try await cri.withImages { try await $0.imageStatus(image, verbose: false).hasImage }
            if present { return }
        }
        let reference = try await timeout.pull(image, cri: cri) { try await $0.pullImage(image, sandboxConfig: sandbox) }
        printError("Image is up to date for \(reference)")
    }
}
