public import Core
public import GRPCCore

/// A plugin type, containerd's URI prefix (`io.containerd.grpc.v1`).
public struct PluginType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public static let metadata = PluginType("io.containerd.metadata.v1")
    public static let grpc = PluginType("io.containerd.grpc.v1")
    public static let service = PluginType("io.containerd.service.v1")
    public static let internalPlugin = PluginType("io.containerd.internal.v1")
    /// In `requires`: every plugin registered before this one, whatever its type.
    public static let all = PluginType("*")
}

/// What a plugin hands back once initialized.
public protocol PluginInstance: Sendable {
    /// Key/values shown by introspection (`ctr plugins ls -d`).
    var exports: [String: String] { get }
    /// Capabilities shown by introspection.
    var capabilities: [String] { get }
    /// gRPC services this plugin serves on the daemon's socket.
    var rpcServices: [any RegistrableRPCService] { get }
    /// Fully qualified names of those services (`containerd.services.version.v1.Version`), for health checks.
    var serviceNames: [String] { get }
    /// Called at shutdown, in reverse initialization order.
    func close() async throws
}

extension PluginInstance {
    public var exports: [String: String] { [:] }
    public var capabilities: [String] { [] }
    public var rpcServices: [any RegistrableRPCService] { [] }
    public var serviceNames: [String] { [] }
    public func close() async throws {}
}

/// Thrown by `initialize` when a plugin does not apply on this host: the plugin is listed with
/// status "skip" and the reason, and is not an error unless it is required.
public struct PluginSkip: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    /// containerd clients recognise skipped plugins by this text in the init error.
    public var description: String { "skip plugin: \(reason)" }
}

/// One plugin the daemon may load: containerd's `plugin.Registration`.
public struct PluginRegistration: Sendable {
    public var type: PluginType
    public var id: String
    /// Types this plugin needs initialized first (`.all`: everything registered before it).
    public var requires: [PluginType]
    /// The typed configuration of `[plugins."<uri>"]`, decoded and checked when the config loads.
    public var config: (any PluginConfig.Type)?
    public var initialize: @Sendable (PluginContext) async throws -> any PluginInstance

    public init(
        type: PluginType, id: String, requires: [PluginType] = [], config: (any PluginConfig.Type)? = nil,
        initialize: @escaping @Sendable (PluginContext) async throws -> any PluginInstance
    ) {
        self.type = type
        self.id = id
        self.requires = requires
        self.config = config
        self.initialize = initialize
    }

    /// `type.id`, the name used by `disabled_plugins`, `required_plugins` and config sections.
    public var uri: String { "\(type.rawValue).\(id)" }
}

/// A plugin's outcome after start-up, served by introspection.
public enum PluginState: Sendable {
    case ok
    case skipped(reason: String)
    case failed(error: String)
}

public struct PluginStatus: Sendable {
    public var type: PluginType
    public var id: String
    public var requires: [PluginType]
    public var state: PluginState
    public var exports: [String: String]
    public var capabilities: [String]

    public var uri: String { "\(type.rawValue).\(id)" }
}
