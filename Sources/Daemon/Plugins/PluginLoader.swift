public import Core
public import Logging
import Synchronization
import Glibc

/// Live statuses of every plugin, read by introspection.
public final class PluginStatusBoard: Sendable {
    private let statuses = Mutex<[PluginStatus]>([])

    public init() {}

    public var all: [PluginStatus] { statuses.withLock { $0 } }

    func record(_ status: PluginStatus) {
        statuses.withLock { $0.append(status) }
    }
}

/// Plugins initialized so far, in order.
final class LoadedPlugins: Sendable {
    let board = PluginStatusBoard()
    private let instances = Mutex<[(registration: PluginRegistration, instance: any PluginInstance)]>([])

    var all: [(registration: PluginRegistration, instance: any PluginInstance)] { instances.withLock { $0 } }

    func add(_ registration: PluginRegistration, _ instance: any PluginInstance) {
        instances.withLock { $0.append((registration, instance)) }
    }

    func instance(_ type: PluginType, id: String?) -> (any PluginInstance)? {
        instances.withLock { list in
            list.first { $0.registration.type == type && (id == nil || $0.registration.id == id) }?.instance
        }
    }
}

/// Initializes plugins in dependency order, honouring `disabled_plugins` and `required_plugins`.
public struct PluginLoader: Sendable {
    public var registrations: [PluginRegistration]
    public var config: DaemonConfig
    public var logger: Logger
    /// The exchange handed to every plugin.
    public var events = EventExchange()

    public init(registrations: [PluginRegistration], config: DaemonConfig, logger: Logger) {
        self.registrations = registrations
        self.config = config
        self.logger = logger
    }

    /// The loaded plugins, in initialization order, with the status board.
    public struct Loaded: Sendable {
        let plugins: LoadedPlugins
        let events: EventExchange
        public var board: PluginStatusBoard { plugins.board }
        public var instances: [(registration: PluginRegistration, instance: any PluginInstance)] { plugins.all }

        /// Closes every plugin in reverse initialization order; errors are logged, not thrown.
        public func close(logger: Logger) async {
            events.close()
            for (registration, instance) in plugins.all.reversed() {
                do {
                    try await instance.close()
                    logger.debug("plugin closed", metadata: ["plugin.uri": "\(registration.uri)"])
                } catch {
                    logger.warning("plugin close failed", metadata: ["plugin.uri": "\(registration.uri)", "error": "\(error)"])
                }
            }
        }
    }

    public func load() async throws(CtrError) -> Loaded {
        let known = Set(registrations.map(\.uri))
        let disabled = Set(config.disabledPlugins)
        for uri in config.disabledPlugins where !known.contains(uri) {
            logger.warning("disabled plugin is not registered", metadata: ["plugin.uri": "\(uri)"])
        }
        for uri in config.requiredPlugins {
            if !known.contains(uri) {
                throw .failedPrecondition("required plugin \(uri) is not registered in this ctr")
            }
            if disabled.contains(uri) {
                throw .failedPrecondition("required plugin \(uri) is disabled (listed in disabled_plugins)")
            }
        }
        let required = Set(config.requiredPlugins)
        let ordered = try PluginGraph.order(registrations, disabled: disabled)
        let loaded = LoadedPlugins()

        for registration in ordered {
            let uri = registration.uri
            var pluginLogger = logger
            pluginLogger[metadataKey: "plugin.uri"] = "\(uri)"
            let state: PluginState
            var instance: (any PluginInstance)?
            do {
                try checkDependencies(registration, loaded: loaded)
                let root = config.root + "/" + uri
                let stateDir = config.state + "/" + uri
                try makeDirectories(root, mode: 0o700)
                try makeDirectories(stateDir, mode: 0o700)
                let context = PluginContext(
                    registration: registration, root: root, state: stateDir,
                    config: config.pluginConfigs[uri], daemon: config, logger: pluginLogger, events: events,
                    loaded: loaded)
                let made = try await registration.initialize(context)
                instance = made
                state = .ok
                pluginLogger.debug("plugin loaded")
            } catch let skip as PluginSkip {
                state = .skipped(reason: skip.reason)
                pluginLogger.info("plugin skipped", metadata: ["reason": "\(skip.reason)"])
            } catch {
                state = .failed(error: "\(error)")
                pluginLogger.warning("plugin failed to load", metadata: ["error": "\(error)"])
            }
            loaded.board.record(PluginStatus(
                type: registration.type, id: registration.id, requires: registration.requires, state: state,
                exports: instance?.exports ?? [:], capabilities: instance?.capabilities ?? []))
            if let instance {
                loaded.add(registration, instance)
            } else if required.contains(uri) {
                let result = Loaded(plugins: loaded, events: events)
                await result.close(logger: logger)
                switch state {
                case .skipped(let reason):
                    throw .failedPrecondition("required plugin \(uri) was skipped: \(reason)")
                case .failed(let error):
                    throw .failedPrecondition("required plugin \(uri) failed to load: \(error)")
                case .ok:
                    break
                }
            }
        }
        return Loaded(plugins: loaded, events: events)
    }

    private func checkDependencies(_ registration: PluginRegistration, loaded: LoadedPlugins) throws(CtrError) {
        for required in registration.requires where required != .all {
            if loaded.instance(required, id: nil) == nil {
                throw .failedPrecondition("no plugin of type \(required) is loaded (required by \(registration.uri))")
            }
        }
    }
}
