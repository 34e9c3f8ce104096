import ArgumentParser
import Client
import CRIClient
import Core

/// `ctr cri`: a CRI v1 client with crictl's verbs, for `ctr daemon` or any CRI runtime.
struct CRIGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cri", abstract: "Talk to a CRI runtime (crictl's commands).",
        discussion: """
            --timeout bounds each call (default 2s); lifecycle calls (runp, stopp, rmp, create, start, stop, \
            rm, run, update) default to 2m, pulls to none. `stop` takes its grace period as -t/--stop-timeout.

            The runtime is the first of: -r/--runtime-endpoint, CONTAINER_RUNTIME_ENDPOINT (as in crictl), \
            -a/--address written before `cri` and CONTAINERD_ADDRESS (the daemon every ctr command talks \
            to), \(Endpoint.defaultDaemon). \(CRIAddressNote.current)
            """,
        subcommands: [
            CRIVersion.self, CRIInfo.self, CRIRuntimeConfig.self,
            CRIRunp.self, CRIStopp.self, CRIRmp.self, CRIPods.self, CRIInspectp.self, CRIStatsp.self,
            CRIMetricsp.self, CRIMetricdescs.self,
            CRICreate.self, CRIStart.self, CRIStop.self, CRIRm.self, CRIPs.self, CRIInspect.self, CRIUpdate.self,
            CRIRun.self, CRIStats.self, CRIExec.self, CRIAttach.self, CRIPortForward.self, CRILogs.self,
            CRIImages.self, CRIPull.self, CRIInspecti.self, CRIRmi.self, CRIImagefsinfo.self, CRIEvents.self,
            CRILoad.self, CRISave.self, CRITag.self,
        ])
}

/// Which address `ctr cri` uses without flags, and why, for its help.
enum CRIAddressNote {
    static var current: String {
        if let runtime = Environment.value("CONTAINER_RUNTIME_ENDPOINT") {
            return "Here that is \(runtime), from CONTAINER_RUNTIME_ENDPOINT."
        }
        if let address = Environment.value("CONTAINERD_ADDRESS") {
            return "Here that is \(address), from CONTAINERD_ADDRESS."
        }
        return "Here that is \(Endpoint.defaultDaemon): no flag or variable names another."
    }
}

/// How long a CRI call may take.
enum CRIDeadline {
    /// Queries: --timeout, default 2s.
    case standard
    /// Creating, starting, stopping and removing: --timeout, default 2 minutes (kubelet's default).
    case lifecycle
    /// --timeout (default 2s) plus the given time, for calls with their own timeout (stop, exec).
    case extended(Duration)
    /// No deadline: streams.
    case none
    /// Pulls: --pull-timeout when given and not zero, else none.
    case pull(Duration?)
}

/// crictl's connection options, plus the address every `ctr` command takes: the runtime endpoint
/// is `-r`, else CONTAINER_RUNTIME_ENDPOINT (as in crictl), else `-a`/CONTAINERD_ADDRESS (the
/// daemon the rest of `ctr` talks to), else the default socket.
struct CRIOptions: ParsableArguments, CRIEndpointOptions {
    @Option(name: [.short, .customLong("runtime-endpoint")], help: CRIOptionHelp.runtimeEndpoint)
    var runtimeEndpoint: String?

    /// Long name only: `-a` means `--all` to some crictl commands (`ps -a`); a `-a` written before
    /// `cri` becomes `--address` (see `GlobalOptions.hoist`).
    @Option(name: [.customLong("address")], help: CRIOptionHelp.address)
    var address: String?

    @Option(name: [.short, .customLong("image-endpoint")], help: CRIOptionHelp.imageEndpoint)
    var imageEndpoint: String?

    @Option(name: .customLong("timeout"), help: CRIOptionHelp.timeout)
    var timeout: String?

    func validate() throws {
        if let timeout { _ = try Durations.parse(timeout, option: "--timeout") }
    }
}

/// The same options for the streaming commands (exec, attach), where `-i` is `--interactive`, as
/// in crictl; the image endpoint keeps its long name.
struct CRIStreamOptions: ParsableArguments, CRIEndpointOptions {
    @Option(name: [.short, .customLong("runtime-endpoint")], help: CRIOptionHelp.runtimeEndpoint)
    var runtimeEndpoint: String?

    @Option(name: [.customLong("address")], help: CRIOptionHelp.address)
    var address: String?

    @Option(name: [.customLong("image-endpoint")], help: CRIOptionHelp.imageEndpoint)
    var imageEndpoint: String?

    @Option(name: .customLong("timeout"), help: CRIOptionHelp.timeout)
    var timeout: String?

    func validate() throws {
        if let timeout { _ = try Durations.parse(timeout, option: "--timeout") }
    }
}

enum CRIOptionHelp {
    static let runtimeEndpoint = ArgumentHelp(
        "CRI runtime endpoint (env CONTAINER_RUNTIME_ENDPOINT; else --address or CONTAINERD_ADDRESS, "
            + "as for every ctr command; default unix://\(Endpoint.defaultDaemon)).",
        valueName: "endpoint")
    static let address = ArgumentHelp(
        "Address of the daemon's socket, used when no runtime endpoint is given (env CONTAINERD_ADDRESS).",
        valueName: "address")
    static let imageEndpoint = ArgumentHelp(
        "CRI image endpoint (env IMAGE_SERVICE_ENDPOINT; default: the runtime endpoint).", valueName: "endpoint")
    static let timeout = ArgumentHelp("Timeout of each call (default 2s).", valueName: "duration")
}

/// What both option groups hold, and the connections made from them.
protocol CRIEndpointOptions {
    var runtimeEndpoint: String? { get }
    var address: String? { get }
    var imageEndpoint: String? { get }
    var timeout: String? { get }
}

extension CRIEndpointOptions {
    var runtimeAddress: String { Self.runtimeAddress(given: runtimeEndpoint, address: address) }

    /// The runtime endpoint: `-r`, else CONTAINER_RUNTIME_ENDPOINT, else the daemon's address as
    /// every ctr command resolves it (`-a`/`--address`, CONTAINERD_ADDRESS, the default).
    static func runtimeAddress(given runtime: String?, address: String?) -> String {
        runtime ?? Environment.value("CONTAINER_RUNTIME_ENDPOINT") ?? GlobalOptions.address(given: address)
    }

    var imageAddress: String {
        imageEndpoint ?? Environment.value("IMAGE_SERVICE_ENDPOINT") ?? runtimeAddress
    }

    /// The --timeout given, if any.
    var explicitTimeout: Duration? {
        get throws { try timeout.map { try Durations.parse($0, option: "--timeout") } }
    }

    private func options(_ address: String, _ deadline: CRIDeadline) throws -> ConnectionOptions {
        let resolved: Duration?
        switch deadline {
        case .standard: resolved = try explicitTimeout ?? .seconds(2)
        case .lifecycle: resolved = try explicitTimeout ?? .seconds(120)
        case .extended(let extra): resolved = try (explicitTimeout ?? .seconds(2)) + extra
        case .none: resolved = nil
        case .pull(let limit): resolved = limit == .zero ? nil : limit
        }
        return ConnectionOptions(
            endpoint: try Endpoint(address), timeout: resolved,
            unreachableHint: "is a CRI runtime listening there? (set --runtime-endpoint or CONTAINER_RUNTIME_ENDPOINT)")
    }

    func withRuntime<T: Sendable>(_ deadline: CRIDeadline = .standard, _ body: (CRIClient) async throws -> T) async throws -> T {
        try await Connection.with(try options(runtimeAddress, deadline)) { try await body(CRIClient(connection: $0)) }
    }

    func withImages<T: Sendable>(_ deadline: CRIDeadline = .standard, _ body: (CRIClient) async throws -> T) async throws -> T {
        try await Connection.with(try options(imageAddress, deadline)) { try await body(CRIClient(connection: $0)) }
    }

    /// A containerd-API client on the runtime endpoint, in the namespace CRI uses (`k8s.io`).
    func withContainerd<T: Sendable>(_ body: (ContainerdClient) async throws -> T) async throws -> T {
        let connection = ConnectionOptions(
            endpoint: try Endpoint(runtimeAddress), timeout: try explicitTimeout,
            unreachableHint: "is \"ctr daemon\" (or containerd) listening there? (set --runtime-endpoint)")
        return try await Connection.with(connection) { try await body(ContainerdClient(connection: $0, namespace: "k8s.io")) }
    }
}
