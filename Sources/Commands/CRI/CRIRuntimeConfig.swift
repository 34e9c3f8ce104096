import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri runtime-config`: the runtime's node-level configuration (cgroup driver).
struct CRIRuntimeConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtime-config", abstract: "Retrieve the container runtime configuration.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    func run() async throws {
        let response = try await cri.withRuntime { try await $0.runtimeConfig() }
        guard output == .table else {
            printOut(CRIFormat.render(CRIFormat.json(response, template: .object([("linux", .object([("cgroupDriver", .string("SYSTEMD"))]))])), output))
            return
        }
        let driver = response.linux.cgroupDriver == .cgroupfs ? "cgroupfs" : "systemd"
        printOut("Cgroup driver: \(driver)")
    }
}
