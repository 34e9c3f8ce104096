public import ArgumentParser
import Client
import Core
import Glibc

/// Options every containerd-API command takes, as in containerd's `ctr`. They may also be given
/// before the command name (`ctr -a SOCK -n NS images ls`).
public struct GlobalOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Address of the daemon's socket (env CONTAINERD_ADDRESS; default \(Endpoint.defaultDaemon)).",
        valueName: "address"))
    public var address: String?

    @Option(name: [.short, .long], help: ArgumentHelp(
        "Namespace to use (env CONTAINERD_NAMESPACE; default \"default\").", valueName: "namespace"),
        completion: .custom(Completions.namespaces))
    public var namespace: String?

    @Option(name: .long, help: ArgumentHelp("Total timeout for each call (e.g. 10s, 1m; default none).",
                                            valueName: "duration"))
    public var timeout: String?

    @Option(name: .customLong("connect-timeout"), help: ArgumentHelp(
        "How long to wait for the daemon's socket to accept connections (default 0: fail at once).",
        valueName: "duration"))
    public var connectTimeout: String?

    @Flag(name: .long, help: "Print debug information.")
    public var debug = false

    public init() {}

    public func validate() throws {
        if let timeout { _ = try Durations.parse(timeout, option: "--timeout") }
        if let connectTimeout { _ = try Durations.parse(connectTimeout, option: "--connect-timeout") }
    }

    var resolvedAddress: String { Self.address(given: address) }

    var resolvedNamespace: String { Self.namespace(given: namespace) }

    /// The daemon's address: the one given, else CONTAINERD_ADDRESS, else the default socket.
    static func address(given: String?) -> String {
        given ?? Environment.value("CONTAINERD_ADDRESS") ?? Endpoint.defaultDaemon
    }

    /// The namespace: the one given, else CONTAINERD_NAMESPACE, else "default".
    static func namespace(given: String?) -> String {
        given ?? Environment.value("CONTAINERD_NAMESPACE") ?? Namespace.defaultName
    }

    func connectionOptions() throws -> ConnectionOptions {
        ConnectionOptions(
            endpoint: try Endpoint(resolvedAddress),
            timeout: try timeout.map { try Durations.parse($0, option: "--timeout") },
            connectTimeout: try connectTimeout.map { try Durations.parse($0, option: "--connect-timeout") } ?? .zero,
            unreachableHint: "is \"ctr daemon\" (or containerd) running? (set --address or CONTAINERD_ADDRESS)")
    }

    /// Opens a containerd-API client for the command.
    func withClient<T: Sendable>(_ body: (ContainerdClient) async throws -> T) async throws -> T {
        let namespace = resolvedNamespace
        try Identifier.validate(namespace, kind: "namespace")
        return try await Connection.with(try connectionOptions()) { connection in
            try await body(ContainerdClient(connection: connection, namespace: namespace))
        }
    }

    /// Options that may come before the command words (as in containerd's `ctr` and crictl),
    /// with whether they take a value.
    static let hoistable: [String: Bool] = [
        "--address": true, "-a": true, "--namespace": true, "-n": true, "--timeout": true,
        "--connect-timeout": true, "--debug": false, "--snapshotter": true,
        "--runtime-endpoint": true, "-r": true, "--image-endpoint": true, "-i": true,
    ]

    /// Moves options written before or between the command words to just after them, where the
    /// leaf command's option groups read them: `ctr -n x namespaces ls` → `ctr namespaces ls -n x`,
    /// `ctr cri -r SOCK version` → `ctr cri version -r SOCK`.
    static func hoist(_ arguments: [String]) -> [String] {
        var words: [String] = []
        var moved: [String] = []
        var command: any ParsableCommand.Type = Ctr.self
        var index = 0
        // Up to the leaf command: what follows it is its own (`cri ps -a` is --all there).
        while index < arguments.count, !command.configuration.subcommands.isEmpty {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if let takesValue = hoistable[name] {
                moved.append(argument)
                if takesValue, !argument.contains("="), index + 1 < arguments.count {
                    moved.append(arguments[index + 1])
                    index += 1
                }
                index += 1
                continue
            }
            let next = command.configuration.subcommands.first { sub in
                sub._commandName == argument || sub.configuration.aliases.contains(argument)
            }
            guard let next else { break }
            command = next
            words.append(argument)
            index += 1
        }
        // Under `cri`, `-a` is crictl's `--all` (`ps -a`): the address written before the command
        // words goes by its long name.
        if words.first == CRIGroup._commandName {
            moved = moved.map { $0 == "-a" ? "--address" : $0.hasPrefix("-a=") ? "--address=" + $0.dropFirst(3) : $0 }
        }
        return words + moved + arguments[index...]
    }
}

enum Environment {
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : value
    }
}

/// Go-style durations as containerd's flags take them: `500ms`, `10s`, `1m30s`, `2h`.
enum Durations {
    static func parse(_ text: String, option: String) throws -> Duration {
        do {
            return try Duration.parseGo(text)
        } catch {
            throw ValidationError("\(option): \(error.message)")
        }
    }
}
