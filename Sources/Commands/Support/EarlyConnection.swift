import Client
import Core

/// Connect while parsing: a one-shot client command spends about 2.5 ms in ArgumentParser before
/// it knows its address, and its connection (event loop thread, socket, HTTP/2 handshake, gRPC
/// client) costs as much again. When the words say a containerd-API or CRI command is coming, the
/// connection is opened on another core while the parser runs, and the command takes it from the
/// pool. The guess only decides where to start: the command still resolves its own address, and
/// a different one opens its own connection as before.
enum EarlyConnection {
    /// The top-level words (names and aliases) of the commands that talk to the containerd API
    /// through `GlobalOptions` (`cri`, with its own endpoint options, is handled apart). Not
    /// `daemon`, `shim`, `shell` (its own pool), `completion`, `oci`, `doctor`.
    static let clientWords: Set<String> = [
        "version", "plugins", "plugin", "namespaces", "namespace", "ns", "images", "image", "i",
        "content", "leases", "lease", "snapshots", "snapshot", "containers", "container", "c",
        "tasks", "task", "t", "run", "events", "event",
    ]

    /// A pool holding a connection being opened to the address `arguments` name, or nil when they
    /// do not start a containerd-API or CRI command or nothing accepts connections there. Once per
    /// process, first thing: it also sizes NIO's event loop group for a client.
    static func start(_ arguments: [String]) -> ConnectionPool? {
        guard let address = address(arguments), let endpoint = try? Endpoint(address),
              (try? endpoint.checkReachable(hint: "")) != nil else { return nil }
        Connection.useOneEventLoop()
        let pool = ConnectionPool()
        pool.open(endpoint)
        return pool
    }

    /// The address the command line's daemon connection goes to, resolved as the command will
    /// resolve it: for a containerd-API command `-a`/`--address`, then CONTAINERD_ADDRESS, then
    /// the default; for `cri`, `-r`/`--runtime-endpoint` and CONTAINER_RUNTIME_ENDPOINT first (as
    /// `CRIEndpointOptions` does; there `-a` after `cri` is crictl's `--all`). Nil when the first
    /// command word is neither, or the line asks for help.
    static func address(_ arguments: [String]) -> String? {
        var given: String?
        var runtime: String?
        var command: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let value = index + 1 < arguments.count ? arguments[index + 1] : nil
            if argument == "--" { break }
            if argument == "-h" || argument == "--help" || argument == "help" && command == nil { return nil }
            if argument == "--address" || argument == "-a" && command != "cri" {
                given = value
                index += 2
                continue
            }
            if argument == "--runtime-endpoint" || argument == "-r" && (command == "cri" || command == nil) {
                runtime = value
                index += 2
                continue
            }
            if argument.hasPrefix("--address=") {
                given = String(argument.dropFirst("--address=".count))
            } else if argument.hasPrefix("-a="), command != "cri" {
                given = String(argument.dropFirst(3))
            } else if argument.hasPrefix("--runtime-endpoint=") {
                runtime = String(argument.dropFirst("--runtime-endpoint=".count))
            } else if command == nil, !argument.hasPrefix("-") {
                guard argument == "cri" || clientWords.contains(argument) else { return nil }
                command = argument
            } else if command == nil, let takesValue = GlobalOptions.hoistable[argument] {
                index += takesValue ? 2 : 1
                continue
            }
            index += 1
        }
        switch command {
        case nil: return nil
        case "cri": return CRIOptions.runtimeAddress(given: runtime, address: given)
        default: return GlobalOptions.address(given: given)
        }
    }
}
