public import Core
public import Logging

/// What a plugin's `initialize` gets: its directories, its config, the daemon's settings and the
/// plugins initialized before it.
public struct PluginContext: Sendable {
    public let registration: PluginRegistration
    /// `<root>/<uri>`, created 0700 before `initialize`.
    public let root: String
    /// `<state>/<uri>`, created 0700 before `initialize`.
    public let state: String
    /// The decoded `[plugins."<uri>"]` section (defaults when absent), if the plugin declares one.
    public let config: (any PluginConfig)?
    public let daemon: DaemonConfig
    public let logger: Logger
    /// The daemon's event exchange, to publish on.
    public let events: EventExchange
    let loaded: LoadedPlugins

    /// The decoded config as the plugin's own type.
    public func config<T: PluginConfig>(as type: T.Type) throws(CtrError) -> T {
        guard let config = config as? T else {
            throw .internalError("plugin \(registration.uri) has no config of type \(T.self)")
        }
        return config
    }

    /// The instance of an already initialized plugin of `type` (the first, or the one named `id`).
    public func plugin<T>(_ type: PluginType, id: String? = nil, as: T.Type = T.self) throws(CtrError) -> T {
        guard let instance = loaded.instance(type, id: id) else {
            throw .notFound("plugin \(type)\(id.map { ".\($0)" } ?? "") is not loaded")
        }
        guard let typed = instance as? T else {
            throw .internalError("plugin \(type)\(id.map { ".\($0)" } ?? "") is not a \(T.self)")
        }
        return typed
    }

    /// Every initialized plugin of `type` that is a `T`, with its ID, in initialization order.
    public func plugins<T>(_ type: PluginType, as: T.Type = T.self) -> [(id: String, instance: T)] {
        loaded.all.compactMap { item in
            guard item.registration.type == type, let typed = item.instance as? T else { return nil }
            return (item.registration.id, typed)
        }
    }

    /// The status of every plugin, as introspection serves it; read when asked, so it includes
    /// plugins initialized after this one.
    public var statuses: PluginStatusBoard { loaded.board }

    /// Services of the plugins initialized so far.
    public var servedServiceNames: [String] { loaded.all.flatMap { $0.instance.serviceNames } }
}
