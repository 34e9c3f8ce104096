import ArgumentParser
import Client
import Core
import Glibc

/// `ctr events [FILTER…]`: prints the daemon's events as they happen.
struct EventsCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Display events as they happen.",
        discussion: "Filters: topic==/images/create, namespace==k8s.io, topic~=^/images/ …", aliases: ["event"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: table (one line per event) or json.")
    var output: OutputFormat = .table

    @Argument(help: "Filters (any may match).") var filters: [String] = []

    func run(client: ContainerdClient) async throws {
        let format = output
        try await client.subscribeEvents(filters: filters) { event in
            let body = event.json ?? "{\"type\":\(JSONValue.quote(event.typeURL))}"
            if format == .table {
                printOut("\(formatTimestamp(event.timestamp)) \(event.namespace) \(event.topic) \(body)")
            } else {
                let document = JSONValue.object([
                    ("timestamp", .string(formatTimestamp(event.timestamp))),
                    ("namespace", .string(event.namespace)),
                    ("topic", .string(event.topic)),
                    ("event", (try? JSONValue.parse(body)) ?? .string(body)),
                ])
                printOut(document.serialized(indent: 0))
            }
            flushStandardOutput()
        }
    }
}

/// RFC 3339 UTC with nanoseconds.
func formatTimestamp(_ timestamp: Timestamp) -> String { RFC3339.format(timestamp) }

/// Flushes buffered stdout, so streamed lines reach pipes promptly.
func flushStandardOutput() {
    fflush(nil)
}
