import ArgumentParser
import CRIClient
import Core

/// `ctr cri run CTR-CONFIG POD-CONFIG`: runp, create and start in one step; prints the container ID.
struct CRIRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a new container inside a new pod.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @OptionGroup(title: "Pull Options") var pull: CRIPullOptions
    @Option(name: .customLong("runtime"), help: ArgumentHelp(
        "Runtime handler to use (crictl's -r; -r here is --runtime-endpoint).", valueName: "handler"))
    var runtimeHandler: String = ""
    @Argument(help: "The container config file.", completion: .file(extensions: ["json", "yaml", "yml"]))
    var containerConfig: String
    @Argument(help: "The pod sandbox config file.", completion: .file(extensions: ["json", "yaml", "yml"]))
    var podConfig: String

    func validate() throws { try pull.validate() }

    func run() async throws {
        let container = try CRIConfigFile.containerConfig(path: containerConfig)
        let sandbox = try CRIConfigFile.podSandboxConfig(path: podConfig)
        let podID = try await cri.withRuntime(.lifecycle) { try await $0.runPodSandbox(sandbox, runtimeHandler: runtimeHandler) }
        try await pull.ensureImage(container.image.image, sandbox: sandbox, cri: cri)
        let id = try await cri.withRuntime(.lifecycle) { client in
            let id = try await client.createContainer(podID: podID, config: container, sandboxConfig: sandbox)
            try await client.startContainer(id)
            return id
        }
        printOut(id)
    }
}
