import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri metricdescs`: the metrics the runtime reports, as crictl lists them.
struct CRIMetricdescs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metricdescs", abstract: "List the metric descriptors the runtime reports.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    func run() async throws {
        let descriptors = try await cri.withRuntime { client in try await client.listMetricDescriptors() }
        if output != .table {
            printOut(CRIFormat.render(
                CRIFormat.json(Runtime_V1_ListMetricDescriptorsResponse.with { $0.descriptors = descriptors }), output))
            return
        }
        let rows = descriptors.map { [$0.name, $0.labelKeys.joined(separator: ","), $0.help] }
        printOut(Table.render(headers: ["NAME", "LABELS", "HELP"], rows: rows))
    }
}

/// `ctr cri metricsp`: pod and container metrics (ListPodSandboxMetrics), as crictl shows them.
struct CRIMetricsp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metricsp", abstract: "List pod and container metrics (ListPodSandboxMetrics).")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(help: "Only the pod with this ID (prefix).") var id: String?
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    func run() async throws {
        let pods = try await cri.withRuntime { client in try await client.listPodSandboxMetrics() }
            .filter { criIDMatches($0.podSandboxID, id) }
        if output != .table {
            printOut(CRIFormat.render(CRIFormat.json(Runtime_V1_ListPodSandboxMetricsResponse.with { $0.podMetrics = pods }),
                                      output))
            return
        }
        var rows: [[String]] = []
        for pod in pods {
            let podID = CRIFormat.id(pod.podSandboxID, noTrunc: false)
            for metric in pod.metrics { rows.append([podID, "", metric.name, Self.labels(metric), "\(metric.value.value)"]) }
            for container in pod.containerMetrics {
                let containerID = CRIFormat.id(container.containerID, noTrunc: false)
                for metric in container.metrics {
                    rows.append([podID, containerID, metric.name, Self.labels(metric), "\(metric.value.value)"])
                }
            }
        }
        printOut(Table.render(headers: ["POD ID", "CONTAINER ID", "METRIC", "EXTRA LABELS", "VALUE"], rows: rows))
    }

    /// The labels after the six common ones (interface, failure type…).
    static func labels(_ metric: Runtime_V1_Metric) -> String {
        metric.labelValues.dropFirst(6).joined(separator: ",")
    }
}
