/// A daemon plugin as introspection reports it.
public struct PluginInfo: Sendable, Equatable {
    public var type: String
    public var id: String
    public var requires: [String]
    public var platforms: [String]
    public var exports: [String: String]
    public var capabilities: [String]
    /// The init error's message; contains "skip plugin" for skipped plugins, as in containerd.
    public var initError: String?

    public init(type: String, id: String, requires: [String] = [], platforms: [String] = [],
                exports: [String: String] = [:], capabilities: [String] = [], initError: String? = nil) {
        self.type = type
        self.id = id
        self.requires = requires
        self.platforms = platforms
        self.exports = exports
        self.capabilities = capabilities
        self.initError = initError
    }

    /// "ok", "skip" or "error", as containerd's `ctr plugins ls` shows it.
    public var status: String {
        guard let initError else { return "ok" }
        return initError.contains("skip plugin") ? "skip" : "error"
    }
}

/// The daemon's version as the Version service reports it.
public struct ServerVersion: Sendable, Equatable {
    public var version: String
    public var revision: String
    public init(version: String, revision: String) {
        self.version = version
        self.revision = revision
    }
}
