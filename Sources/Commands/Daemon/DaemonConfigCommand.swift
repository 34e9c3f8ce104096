import ArgumentParser
import Daemon
import TOML

/// `ctr daemon config default|dump`.
struct DaemonConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Print the daemon's configuration.",
        subcommands: [DaemonConfigDefault.self, DaemonConfigDump.self])
}

struct DaemonConfigDefault: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "default", abstract: "Print the embedded default configuration.")

    func run() async throws {
        let registrations = Builtins.registrations
        printOut(TOML.encode(DaemonConfig(registrations: registrations).encode(registrations: registrations)))
    }
}

struct DaemonConfigDump: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump", abstract: "Print the effective configuration (file and flags applied).")

    @OptionGroup var options: DaemonOptions

    func run() async throws {
        let registrations = Builtins.registrations
        let config = try options.load(registrations: registrations)
        printOut(TOML.encode(config.encode(registrations: registrations)))
    }
}
