import ArgumentParser

/// `ctr plugins`: what the daemon loaded.
struct PluginsGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins", abstract: "Provides information about daemon plugins.",
        subcommands: [PluginsList.self], aliases: ["plugin"])
}
