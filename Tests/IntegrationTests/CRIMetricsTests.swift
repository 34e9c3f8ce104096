import API
import Core
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Testing
import TestSupport

extension CRITests.StreamingTests {
    /// containerd 1.6 has no metrics calls (they came with CRI v1.29's CRI-only stats mode): ours
    /// only, with containerd's answer checked to be UNIMPLEMENTED through the same client.
    @Test("ListMetricDescriptors and ListPodSandboxMetrics: cAdvisor names and labels, the pod's cgroup and network, each container's figures", .usesContainerd)
    func podSandboxMetrics() async throws {
        let fixture = try CRIFixture()
        defer { withExtendedLifetime(fixture) {} }
        try FileManager.default.createDirectory(atPath: fixture.path + "/ours", withIntermediateDirectories: true)
        defer { cleanUpRuntime(fixture.path + "/ours") }
        let daemon = try DaemonProcess.ours(in: fixture.path + "/ours", config: fixture.ourConfig())
        let cri = CRICLI(socket: daemon.socket)
        defer { _ = try? cri.attempt("rmp", "-f", "-a") }
        try cri("pull", fixture.images.busybox)
        let pod = try startPod(cri, fixture, "metrics")
        let limit = 96 << 20
        let busy = try startContainer(cri, fixture, pod: pod, name: "busy", command: ["/bin/sh", "-c", "while :; do :; done"],
                                      extra: #", "linux": {"resources": {"memory_limit_in_bytes": \#(limit)}}"#)
        // Some traffic on the pod's interface, so its counters move.
        _ = try cri.attempt("exec", busy, "/bin/busybox", "ping", "-c", "2", "-W", "1", fixture.network.gateway)

        let transport = try HTTP2ClientTransport.Posix(target: .unixDomainSocket(path: daemon.socket), transportSecurity: .plaintext)
        try await withGRPCClient(transport: transport) { client in
            let runtime = Runtime_V1_RuntimeService.Client(wrapping: client)
            let descriptors = try await runtime.listMetricDescriptors(.init()).descriptors
            let byName = Dictionary(descriptors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(byName.count == descriptors.count, "one descriptor per name")
            #expect(byName["container_cpu_usage_seconds_total"]?.labelKeys == ["container", "id", "image", "name", "namespace", "pod"])
            #expect(byName["container_network_receive_bytes_total"]?.labelKeys.last == "interface")

            // Wait until the busy loop has used more than a second of CPU, as the stats call sees it.
            let deadline = ContinuousClock.now + .seconds(20)
            while try await runtime.containerStats(.with { $0.containerID = busy }).stats.cpu.usageCoreNanoSeconds.value
                < 1_500_000_000, ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(200))
            }
            let all = try await runtime.listPodSandboxMetrics(.init()).podMetrics
            #expect(all.map(\.podSandboxID) == [pod.id])
            let podMetrics = try #require(all.first)
            // Every metric has a descriptor and one value per label key.
            for metric in podMetrics.metrics + podMetrics.containerMetrics.flatMap(\.metrics) {
                #expect(metric.labelValues.count == byName[metric.name]?.labelKeys.count, "\(metric.name)")
            }
            func value(_ metrics: [Runtime_V1_Metric], _ name: String, extra: [String] = []) -> UInt64? {
                metrics.first { $0.name == name && Array($0.labelValues.dropFirst(6)) == extra }?.value.value
            }
            let received = value(podMetrics.metrics, "container_network_receive_bytes_total", extra: ["eth0"]) ?? 0
            #expect(received > 0, "the pod's eth0 received bytes")
            #expect(podMetrics.metrics.first?.labelValues.prefix(1) == [""], "the pod's own cgroup has no container name")
            #expect(podMetrics.metrics.first?.labelValues.suffix(2) == ["default", "metrics"])
            let container = try #require(podMetrics.containerMetrics.first { $0.containerID == busy })
            #expect(container.metrics.first?.labelValues.prefix(1) == ["busy"])
            #expect(container.metrics.first?.labelValues[3] == busy)
            #expect(value(container.metrics, "container_spec_memory_limit_bytes") == UInt64(limit))
            #expect((value(container.metrics, "container_cpu_usage_seconds_total") ?? 0) >= 1)
            #expect((value(container.metrics, "container_memory_working_set_bytes") ?? 0) > 0)
            #expect((value(container.metrics, "container_threads") ?? 0) >= 1)
            let started = try await runtime.containerStatus(.with { $0.containerID = busy }).status.startedAt
            #expect(value(container.metrics, "container_start_time_seconds") == UInt64(started / 1_000_000_000))

            // The pod stats carry the same interface.
            let podStats = try await runtime.podSandboxStats(.with { $0.podSandboxID = pod.id }).stats
            #expect(podStats.linux.network.defaultInterface.name == "eth0")
            #expect(podStats.linux.network.defaultInterface.rxBytes.value >= received)

            let streamed = try await runtime.streamPodSandboxMetrics(.init()) { response in
                var ids: [String] = []
                for try await page in response.messages { ids += page.podSandboxMetrics.map(\.podSandboxID) }
                return ids
            }
            #expect(streamed == [pod.id])
        }
        let table = try cri("metricsp")
        #expect(table.contains("container_spec_memory_limit_bytes") && table.contains(String(limit)), "\(table)")
        #expect(try cri("metricdescs").contains("container_memory_working_set_bytes"))
        try removePod(cri, pod.id)
        _ = try daemon.stop()

        try FileManager.default.createDirectory(atPath: fixture.path + "/containerd", withIntermediateDirectories: true)
        let containerd = try DaemonProcess.containerd(in: fixture.path + "/containerd", cri: fixture.criSection)
        let theirs = try CRICLI(socket: containerd.socket).attempt("metricdescs")
        _ = try containerd.stop()
        #expect(theirs.status != 0 && theirs.stderr.contains("does not serve this CRI call"), "\(theirs)")
    }
}
