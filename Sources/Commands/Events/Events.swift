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
func formatTimestamp(_ timestamp: Timestamp) -> String {
    var seconds = Int(timestamp.seconds)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
        + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(timestamp.nanos, 9))Z"
}

/// Flushes buffered stdout, so streamed lines reach pipes promptly.
func flushStandardOutput() {
    fflush(nil)
}
