import ArgumentParser
import Client
import Core

/// `ctr plugins ls [-q] [-d] [FILTER…]`.
struct PluginsList: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the daemon's plugins and their status.",
        discussion: "Filters are containerd filters, e.g. type==io.containerd.grpc.v1 or id~=^cri$.",
        aliases: ["ls"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Flag(name: [.short, .long], help: "Print only the plugin IDs.")
    var quiet = false

    @Flag(name: [.short, .long], help: "Print detailed information about each plugin.")
    var detailed = false

    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    @Argument(help: "Filters (any may match).")
    var filters: [String] = []

    func run(client: ContainerdClient) async throws {
        let plugins = try await client.plugins(filters: filters)
        if quiet {
            for plugin in plugins { printOut(plugin.id) }
            return
        }
        if detailed && output == .table {
            var text = ""
            for plugin in plugins {
                text += "Type:          \(plugin.type)\n"
                text += "ID:            \(plugin.id)\n"
                text += "Status:        \(plugin.status)\n"
                if !plugin.requires.isEmpty {
                    text += "Requires:\n" + plugin.requires.map { "               \($0)\n" }.joined()
                }
                if !plugin.platforms.isEmpty {
                    text += "Platforms:     \(plugin.platforms.joined(separator: ","))\n"
                }
                if !plugin.exports.isEmpty {
                    text += "Exports:\n" + plugin.exports.sorted { $0.key < $1.key }
                        .map { "               \($0.key)      \($0.value)\n" }.joined()
                }
                if let error = plugin.initError {
                    text += "Error:\n               \(error)\n"
                }
                text += "\n"
            }
            printOut(text)
            return
        }
        let listing = Listing(
            headers: ["TYPE", "ID", "PLATFORMS", "STATUS"],
            rows: plugins.map { [$0.type, $0.id, $0.platforms.isEmpty ? "-" : $0.platforms.joined(separator: ","), $0.status] },
            document: .array(plugins.map(Self.document)))
        printOut(listing.render(output))
    }

    static func document(_ plugin: PluginInfo) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("type", .string(plugin.type)),
            ("id", .string(plugin.id)),
            ("status", .string(plugin.status)),
            ("requires", .array(plugin.requires.map { .string($0) })),
            ("platforms", .array(plugin.platforms.map { .string($0) })),
            ("exports", .sortedObject(plugin.exports)),
            ("capabilities", .array(plugin.capabilities.map { .string($0) })),
        ]
        if let error = plugin.initError { fields.append(("error", .string(error))) }
        return .object(fields)
    }
}
