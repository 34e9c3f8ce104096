import ArgumentParser
import CRIClient
import Core
import Glibc
import Streaming

/// `ctr cri port-forward POD [LOCAL:]REMOTE…`: listens on local ports and forwards each connection
/// to the port inside the pod, through the runtime's stream server.
struct CRIPortForward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port-forward", abstract: "Forward local ports to a pod.",
        discussion: "A LOCAL port of 0 (or none, as in \":8080\") picks a free one; each line \"Forwarding from\" names it.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: .customLong("listen-address"), help: "The local address to listen on (IPv4).") var listenAddress = "127.0.0.1"
    @Flag(name: .customLong("url-only"), help: "Print the stream URL the runtime returned instead of connecting to it.")
    var urlOnly = false
    @Option(name: .long, help: ArgumentHelp(
        "The streaming protocol: spdy (one session for every connection) or websocket (one session, and one PortForward call, per connection).",
        valueName: "spdy|websocket"))
    var transport: StreamConnection.Transport = .spdy
    @Argument(help: "The pod ID.", completion: .custom(CRICompletions.pods)) var pod: String
    @Argument(help: "Ports, as [LOCAL:]REMOTE.") var ports: [String]

    func validate() throws {
        if ports.isEmpty { throw ValidationError("at least one port is required") }
        _ = try mappings()
    }

    func mappings() throws -> [PortForwardClient.Mapping] {
        try ports.map { spec in
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2, let remote = UInt16(parts.last ?? ""), remote > 0 else {
                throw ValidationError("invalid port \"\(spec)\": expected [LOCAL:]REMOTE with ports 1-65535")
            }
            let localText = parts.count == 2 ? parts[0] : String(remote)
            guard let local = localText.isEmpty ? 0 : UInt16(localText) else {
                throw ValidationError("invalid local port in \"\(spec)\"")
            }
            return PortForwardClient.Mapping(local: local, remote: remote)
        }
    }

    func run() async throws {
        let client = PortForwardClient(mappings: try mappings(), address: listenAddress)
        let remote = client.mappings.map { Int32($0.remote) }
        if transport == .websocket && !urlOnly { return try await runOverWebSocket(client) }
        let url = try await cri.withRuntime { client in try await client.portForward(pod, ports: remote) }
        if urlOnly { return StandardOutput.write(Array((url + "\n").utf8)) }
        let transport = self.transport
        try await BlockingThread.run { () throws in
            let listeners = try client.listen()
            defer { for listener in listeners { close(listener.fd) } }
            let connection = try StreamConnection(url: url, transport: transport, protocols: [RemoteCommand.portForwardProtocol])
            for listener in listeners {
                StandardOutput.write(Array("Forwarding from \(client.address):\(listener.local) -> \(listener.remote)\n".utf8))
            }
            try client.run(connection, listeners: listeners) { line in
                if line.hasPrefix("error") { StandardError.write(line + "\n") } else { StandardOutput.write(Array((line + "\n").utf8)) }
            }
        }
    }

    /// WebSocket: each accepted connection asks the runtime for a URL of its own and runs its
    /// session on a thread of its own; a failed connection is reported and the others go on.
    func runOverWebSocket(_ client: PortForwardClient) async throws {
        let listeners = try client.listen()
        defer { for listener in listeners { close(listener.fd) } }
        for listener in listeners {
            StandardOutput.write(Array("Forwarding from \(client.address):\(listener.local) -> \(listener.remote)\n".utf8))
        }
        let pod = self.pod
        try await cri.withRuntime { runtime in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for listener in listeners {
                    group.addTask {
                        try await withThrowingTaskGroup(of: Void.self) { connections in
                            while true {
                                let fd = try await BlockingThread.run { PortForwardClient.accept(listener.fd) }
                                guard fd >= 0 else { continue }
                                StandardOutput.write(Array("Handling connection for \(listener.local)\n".utf8))
                                connections.addTask {
                                    let url: String
                                    do {
                                        url = try await runtime.portForward(pod, ports: [Int32(listener.remote)])
                                    } catch {
                                        close(fd)
                                        StandardError.write("error: port \(listener.remote): \(CtrError.message(of: error))\n")
                                        return
                                    }
                                    do {
                                        if let error = try await BlockingThread.run({ () throws(CtrError) -> String? in
                                            try PortForwardClient.forwardOverWebSocket(fd: fd, url: url, remote: listener.remote)
                                        }) {
                                            StandardError.write("error: " + error + "\n")
                                        }
                                    } catch {
                                        StandardError.write("error: port \(listener.remote): \(CtrError.message(of: error))\n")
                                    }
                                }
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }
}
