import ArgumentParser
import Core
import Glibc
import Runtime

/// `ctr shim` (hidden): the per-container supervisor the daemon starts. `main` hands `ctr shim`
/// to `ShimMain` before the command tree loads; this command documents the flags and is the
/// fallback when the tree is entered another way.
struct ShimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shim", abstract: "Supervise one container (started by the daemon).", shouldDisplay: false)

    @Option(name: .long, help: "The container's namespace.") var namespace: String
    @Option(name: .long, help: "The container ID.") var id: String
    @Option(name: .long, help: "The bundle directory.") var bundle: String
    @Option(name: .long, help: "The control socket to serve.") var socket: String
    @Option(name: .long, help: "The OCI runtime binary.") var runtime: String = "runc"
    @Option(name: .customLong("runtime-root"), help: "The runtime's state directory.") var runtimeRoot: String

    func run() throws {
        let server = ShimServer(options: ShimOptions(namespace: namespace, id: id, bundle: bundle, socket: socket,
                                                     runtime: runtime, runtimeRoot: runtimeRoot))
        try server.run {
            StandardOutput.write(Array("ready\n".utf8))
            // Nobody reads stdout any more: the daemon may be gone.
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 {
                dup2(null, 1)
                close(null)
            }
        }
    }
}
