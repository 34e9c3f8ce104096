import ArgumentParser
import Client
import Core
import YAML

/// `ctr version`: the client's and the daemon's versions.
struct VersionCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Print the client and server versions.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    func run(client: ContainerdClient) async throws {
        // Both calls at once, on the one connection: one round trip less for every `ctr version`.
        async let asked = client.version()
        async let identity = try? client.serverUUID()
        let server = try await asked
        let uuid = await identity
        switch output {
        case .table:
            var text = """
                Client:
                  Version:  \(CtrVersion.version)
                  Revision: \(CtrVersion.revision)

                Server:
                  Version:  \(server.version)
                  Revision: \(server.revision)

                """
            if let uuid { text += "  UUID: \(uuid)\n" }
            printOut(text)
        case .json, .yaml:
            var serverFields: [(String, JSONValue)] = [("version", .string(server.version)), ("revision", .string(server.revision))]
            if let uuid { serverFields.append(("uuid", .string(uuid))) }
            let document = JSONValue.object([
                ("client", .object([("version", .string(CtrVersion.version)), ("revision", .string(CtrVersion.revision))])),
                ("server", .object(serverFields)),
            ])
            printOut(output == .json ? document.serialized() : YAML.render(document))
        }
    }
}
