import ArgumentParser
import CRIClient
import Core

/// `ctr cri port-forward POD [LOCAL:]REMOTE…`: asks the runtime for a port-forward stream (not
/// served by this client yet).
struct CRIPortForward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port-forward", abstract: "Forward local ports to a pod.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Argument(help: "The pod ID.", completion: .custom(CRICompletions.pods)) var pod: String
    @Argument(help: "Ports, as [LOCAL:]REMOTE.") var ports: [String]

    func validate() throws {
        if ports.isEmpty { throw ValidationError("at least one port is required") }
        _ = try remotePorts()
    }

    func remotePorts() throws -> [Int32] {
        try ports.map { spec in
            let remote = spec.split(separator: ":").last.map(String.init) ?? spec
            guard let port = Int32(remote), (1...65535).contains(port) else {
                throw ValidationError("invalid port \"\(spec)\": expected [LOCAL:]REMOTE")
            }
            return port
        }
    }

    func run() async throws {
        let remote = try remotePorts()
        let hint = "reach the pod by its IP (ctr cri inspectp)"
        let url = try await cri.withRuntime { client in
            try await CRIStreaming.url("port-forward", hint: hint) { try await client.portForward(pod, ports: remote) }
        }
        throw CRIStreaming.unsupported("port-forward", url: url, hint: hint)
    }
}
