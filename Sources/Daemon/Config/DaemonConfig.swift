public import Core
public import TOML
import Glibc

/// The daemon's configuration: containerd's version-2 layout, of which ctr reads `root`, `state`,
/// `[grpc]`, `[debug] level`, `disabled_plugins`, `required_plugins` and the sections of its own
/// plugins. Everything else containerd accepts loads and is reported once as ignored.
public struct DaemonConfig: Sendable {
    public var version = 2
    public var root = "/var/lib/ctr"
    public var state = "/run/ctr"
    public var grpc = GRPCSection()
    public var logLevel = "info"
    public var disabledPlugins: [String] = []
    public var requiredPlugins: [String] = []
    /// Decoded sections of registered plugins, by URI (defaults for absent sections).
    public var pluginConfigs: [String: any PluginConfig] = [:]
    /// The file this came from, if any.
    public var source: String?
    /// Keys in the file that ctr does not use.
    public var ignoredKeys: [String] = []

    public struct GRPCSection: Sendable {
        public var address = "/run/ctr/ctr.sock"
        public var uid = 0
        public var gid = 0
        public var maxRecvMessageSize = 16 * 1024 * 1024
        public var maxSendMessageSize = 16 * 1024 * 1024
        // Keys of ctr's own (containerd's [grpc] has none of these; the names follow grpc-go's
        // server parameters, which fix them in containerd's code): Go durations, "0s" for never.
        /// Calls one connection may have open at once.
        public var maxConcurrentStreams = 1000
        /// A connection with no call open for this long is ended with GOAWAY.
        public var maxConnectionIdle = "0s"
        /// Client PINGs closer together than this, with nothing answered between, are strikes;
        /// the third ends the connection (grpc-go's keepalive enforcement, `MinTime`).
        public var keepaliveMinTime = "5m"
        /// A connection that has not sent its preface by then is closed.
        public var prefaceTimeout = "120s"
    }

    public static let logLevels = ["trace", "debug", "info", "warn", "warning", "error", "fatal", "panic"]

    /// Defaults with every registered plugin's default section.
    public init(registrations: [PluginRegistration] = []) {
        for registration in registrations {
            if let type = registration.config {
                pluginConfigs[registration.uri] = type.init()
            }
        }
    }

    /// Loads a config file; errors name the file, the key and the reason.
    public static func load(path: String, registrations: [PluginRegistration]) throws(CtrError) -> DaemonConfig {
        guard let text = readTextFile(path) else {
            throw CtrError.invalidConfig(file: path, key: nil, reason: "cannot read file: \(Errno.current)")
        }
        return try parse(text, source: path, registrations: registrations)
    }

    public static func parse(_ text: String, source: String?, registrations: [PluginRegistration]) throws(CtrError) -> DaemonConfig {
        let table: TOMLTable
        do {
            table = try TOML.parse(text)
        } catch {
            throw CtrError.invalidConfig(file: source, key: nil, reason: "\(error)")
        }
        var config = DaemonConfig(registrations: registrations)
        config.source = source
        let reader = ConfigReader(table: table, file: source)
        let version = try reader.int("version") ?? 1
        guard version == 2 else {
            throw reader.error("version", "only version 2 configs are supported, found \(version)")
        }
        config.version = version
        if let root = try reader.string("root") { config.root = try absolute(root, "root", reader) }
        if let state = try reader.string("state") { config.state = try absolute(state, "state", reader) }
        config.disabledPlugins = try reader.strings("disabled_plugins") ?? []
        config.requiredPlugins = try reader.strings("required_plugins") ?? []

        let grpc = try reader.table("grpc")
        if let address = try grpc.string("address"), !address.isEmpty { config.grpc.address = address }
        config.grpc.uid = try grpc.int("uid") ?? config.grpc.uid
        config.grpc.gid = try grpc.int("gid") ?? config.grpc.gid
        config.grpc.maxRecvMessageSize = try grpc.int("max_recv_message_size") ?? config.grpc.maxRecvMessageSize
        config.grpc.maxSendMessageSize = try grpc.int("max_send_message_size") ?? config.grpc.maxSendMessageSize
        config.grpc.maxConcurrentStreams = try grpc.int("max_concurrent_streams") ?? config.grpc.maxConcurrentStreams
        guard (1...100_000).contains(config.grpc.maxConcurrentStreams) else {
            throw grpc.error("max_concurrent_streams", "must be between 1 and 100000, found \(config.grpc.maxConcurrentStreams)")
        }
        for (key, path) in [("max_connection_idle", \GRPCSection.maxConnectionIdle),
                            ("keepalive_min_time", \GRPCSection.keepaliveMinTime),
                            ("preface_timeout", \GRPCSection.prefaceTimeout)] {
            guard let text = try grpc.string(key) else { continue }
            do {
                let duration = try Duration.parseGo(text)
                guard duration >= .zero else { throw CtrError.invalidArgument("a negative duration") }
                if key == "preface_timeout" && duration == .zero { throw CtrError.invalidArgument("must be more than 0s") }
            } catch {
                throw grpc.error(key, "\"\(text)\": \(CtrError.message(of: error))")
            }
            config.grpc[keyPath: path] = text
        }

        let debug = try reader.table("debug")
        if let level = try debug.string("level"), !level.isEmpty {
            try config.setLogLevel(level, reader: debug)
        }

        let plugins = try reader.table("plugins")
        for registration in registrations {
            guard let type = registration.config else { continue }
            var section = type.init()
            let sectionReader = try plugins.table(registration.uri)
            try section.decode(sectionReader)
            config.pluginConfigs[registration.uri] = section
        }
        config.ignoredKeys = reader.unreadKeys
        return config
    }

    mutating func setLogLevel(_ level: String, reader: ConfigReader?) throws(CtrError) {
        guard Self.logLevels.contains(level) else {
            let reason = "unknown log level \"\(level)\" (one of \(Self.logLevels.joined(separator: ", ")))"
            throw reader?.error("level", reason) ?? CtrError.invalidConfig(file: nil, key: "debug.level", reason: reason)
        }
        logLevel = level
    }

    /// Applies command-line overrides.
    public mutating func override(root: String?, state: String?, address: String?, logLevel: String?) throws(CtrError) {
        if let root { self.root = try Self.absolute(root, "--root", nil) }
        if let state { self.state = try Self.absolute(state, "--state", nil) }
        if let address { grpc.address = address }
        if let logLevel { try setLogLevel(logLevel, reader: nil) }
    }

    private static func absolute(_ path: String, _ key: String, _ reader: ConfigReader?) throws(CtrError) -> String {
        guard path.hasPrefix("/") else {
            let reason = "\"\(path)\" must be an absolute path"
            throw reader?.error(key, reason) ?? CtrError.invalidConfig(file: nil, key: key, reason: reason)
        }
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }

    /// The config as TOML (`ctr daemon config default|dump`).
    public func encode(registrations: [PluginRegistration]) -> TOMLTable {
        var table = TOMLTable()
        table["version"] = .integer(Int64(version))
        table["root"] = .string(root)
        table["state"] = .string(state)
        table["disabled_plugins"] = .array(disabledPlugins.map { .string($0) })
        table["required_plugins"] = .array(requiredPlugins.map { .string($0) })
        var grpcTable = TOMLTable()
        grpcTable["address"] = .string(grpc.address)
        grpcTable["uid"] = .integer(Int64(grpc.uid))
        grpcTable["gid"] = .integer(Int64(grpc.gid))
        grpcTable["max_recv_message_size"] = .integer(Int64(grpc.maxRecvMessageSize))
        grpcTable["max_send_message_size"] = .integer(Int64(grpc.maxSendMessageSize))
        grpcTable["max_concurrent_streams"] = .integer(Int64(grpc.maxConcurrentStreams))
        grpcTable["max_connection_idle"] = .string(grpc.maxConnectionIdle)
        grpcTable["keepalive_min_time"] = .string(grpc.keepaliveMinTime)
        grpcTable["preface_timeout"] = .string(grpc.prefaceTimeout)
        table["grpc"] = .table(grpcTable)
        var debugTable = TOMLTable()
        debugTable["level"] = .string(logLevel)
        table["debug"] = .table(debugTable)
        var pluginsTable = TOMLTable()
        for registration in registrations {
            if let section = pluginConfigs[registration.uri] {
                pluginsTable[registration.uri] = .table(section.encode())
            }
        }
        table["plugins"] = .table(pluginsTable)
        return table
    }
}
