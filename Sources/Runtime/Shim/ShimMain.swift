import Core
import Glibc

/// The one entry point of `ctr shim`: `main` calls `run` with the arguments before the command tree
/// loads (a supervisor process touches as little of the binary, and starts as few threads, as it
/// can); the hidden `ShimCommand` calls `serve`.
public enum ShimMain {
    /// Parses the shim's flags (`--namespace`, `--id`, `--bundle`, `--socket`, `--runtime-root`,
    /// `--runtime`, runc by default, and `--cgroup-driver cgroupfs|systemd`) and serves; exits 2
    /// when one is missing.
    public static func run(_ arguments: [String]) -> Never {
        var values: [String: String] = ["--runtime": "runc", "--cgroup-driver": "cgroupfs"]
        var index = 0
        while index + 1 < arguments.count {
            values[arguments[index]] = arguments[index + 1]
            index += 2
        }
        guard let namespace = values["--namespace"], let id = values["--id"], let bundle = values["--bundle"],
              let socket = values["--socket"], let runtime = values["--runtime"], let runtimeRoot = values["--runtime-root"]
        else {
            StandardError.write("ctr shim: --namespace, --id, --bundle, --socket and --runtime-root are required\n")
            exit(2)
        }
        serve(ShimOptions(namespace: namespace, id: id, bundle: bundle, socket: socket, runtime: runtime,
                          runtimeRoot: runtimeRoot, systemdCgroup: values["--cgroup-driver"] == "systemd"))
    }

    /// Serves the container until it is deleted or the shim is shut down, then exits: 0, or 1 with
    /// the error on stderr. Prints `ready` on stdout once the socket accepts connections (what the
    /// daemon waits for), then detaches stdout.
    public static func serve(_ options: ShimOptions) -> Never {
        do throws(CtrError) {
            try ShimServer(options: options).run {
                StandardOutput.write(Array("ready\n".utf8))
                // Nobody reads stdout any more: the daemon may be gone.
                let null = open("/dev/null", O_WRONLY)
                if null >= 0 {
                    dup2(null, 1)
                    close(null)
                }
            }
        } catch {
            StandardError.write("ctr shim: \(error)\n")
            exit(1)
        }
        exit(0)
    }
}
