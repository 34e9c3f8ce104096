import ArgumentParser
import CRIClient
import Core

/// `ctr cri runp CONFIG`: runs a pod sandbox from a JSON or YAML PodSandboxConfig.
struct CRIRunp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runp", abstract: "Run a new pod.",
        discussion: "CONFIG is a PodSandboxConfig in JSON or YAML (proto or JSON field names), as crictl takes.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: .customLong("runtime"), help: ArgumentHelp(
        "Runtime handler to use (crictl's -r; -r here is --runtime-endpoint).", valueName: "handler"))
    var runtimeHandler: String = ""
    @Argument(help: "The pod sandbox config file.", completion: .file(extensions: ["json", "yaml", "yml"]))
    var config: String

    func run() async throws {
        let podConfig = try CRIConfigFile.podSandboxConfig(path: config)
        let id = try await cri.withRuntime(.lifecycle) { try await $0.runPodSandbox(podConfig, runtimeHandler: runtimeHandler) }
        printOut(id)
    }
}
