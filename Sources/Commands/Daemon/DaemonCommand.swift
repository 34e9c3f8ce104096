import ArgumentParser
import Glibc
import Core
import Daemon
import Logging
import TOML

/// `ctr daemon`: runs the daemon in the foreground.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the ctr daemon (containerd API and CRI on one socket) in the foreground.",
        discussion: """
            Without --config the embedded defaults are used (see `ctr daemon config default`). \
            A containerd version-2 config file is accepted; keys ctr does not use are reported once.
            """,
        subcommands: [DaemonConfigCommand.self])

    @OptionGroup var options: DaemonOptions

    func run() async throws {
        Daemon.sizeEventLoops()
        ResidentMemory.limitMallocArenas(2)
        ResidentMemory.raiseDescriptorLimit()
        let registrations = Builtins.registrations
        let config = try options.load(registrations: registrations)
        let level = LogFmtHandler.level(config.logLevel)
        LoggingSystem.bootstrap { label in LogFmtHandler(label: label, level: level) }
        let logger = Logger(label: "ctr.daemon")
        try await Daemon(config: config, registrations: registrations, logger: logger).run()
    }
}

/// Options shared by `ctr daemon` and `ctr daemon config dump`.
struct DaemonOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Path to the configuration file (default \(DaemonOptions.defaultConfig) when it exists, as containerd "
            + "reads /etc/containerd/config.toml; else the embedded defaults).", valueName: "file"),
            completion: .file(extensions: ["toml"]))
    var config: String?

    @Option(name: [.short, .customLong("log-level")], help: ArgumentHelp(
        "Log level: trace, debug, info, warn, error, fatal.", valueName: "level"))
    var logLevel: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Socket to serve on (default /run/ctr/ctr.sock).",
                                                      valueName: "socket"))
    var address: String?

    @Option(name: .long, help: ArgumentHelp("Root directory for persistent data (default /var/lib/ctr).",
                                            valueName: "dir"))
    var root: String?

    @Option(name: .long, help: ArgumentHelp("State directory for runtime data (default /run/ctr).",
                                            valueName: "dir"))
    var state: String?

    static let defaultConfig = "/etc/ctr/config.toml"

    func load(registrations: [PluginRegistration]) throws -> DaemonConfig {
        let file = config ?? (access(Self.defaultConfig, F_OK) == 0 ? Self.defaultConfig : nil)
        var loaded = if let config = file {
            try DaemonConfig.load(path: config, registrations: registrations)
        } else {
            DaemonConfig(registrations: registrations)
        }
        try loaded.override(root: root, state: state, address: address, logLevel: logLevel)
        return loaded
    }
}
