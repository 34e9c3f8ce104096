import ArgumentParser
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
    @Option(name: .customLong("cgroup-driver"), help: "cgroupfs, or systemd (runc's --systemd-cgroup).")
    var cgroupDriver: String = "cgroupfs"

    func run() throws {
        ShimMain.serve(ShimOptions(namespace: namespace, id: id, bundle: bundle, socket: socket, runtime: runtime,
                                   runtimeRoot: runtimeRoot, systemdCgroup: cgroupDriver == "systemd"))
    }
}
