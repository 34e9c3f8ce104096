import API
import Core
import FoundationEssentials
import Glibc
import Runtime
import Snapshots

extension CRIService {
    func containerStats(_ container: CRIContainer) -> Runtime_V1_ContainerStats {
        let now = Timestamp.now.unixNanos
        let cgroup = cgroupPath(container)
        let usage = try? snapshotter.usage(namespace, key: container.id)
        return .with {
            $0.attributes = .with {
                $0.id = container.id
                $0.metadata = container.config.metadata
                $0.labels = container.config.labels
                $0.annotations = container.config.annotations
            }
            if container.status.phase == .running {
                let figures = Self.cgroupFigures(cgroup)
                $0.cpu = figures.cpu(at: now)
                $0.memory = figures.memory(at: now)
            }
            $0.writableLayer = .with {
                $0.timestamp = now
                $0.fsID.mountpoint = snapshotter.root
                $0.usedBytes = .with { $0.value = UInt64(max(0, usage?.size ?? 0)) }
                $0.inodesUsed = .with { $0.value = UInt64(max(0, usage?.inodes ?? 0)) }
            }
        }
    }

    struct CgroupFigures {
        var cpu: UInt64 = 0
        var memory: UInt64 = 0
        var workingSet: UInt64 = 0
        var rss: UInt64 = 0
        var pageFaults: UInt64 = 0
        var majorPageFaults: UInt64 = 0

        static func += (total: inout CgroupFigures, other: CgroupFigures) {
            total.cpu += other.cpu
            total.memory += other.memory
            total.workingSet += other.workingSet
            total.rss += other.rss
            total.pageFaults += other.pageFaults
            total.majorPageFaults += other.majorPageFaults
        }

        func cpu(at now: Int64) -> Runtime_V1_CpuUsage {
            .with {
                $0.timestamp = now
                $0.usageCoreNanoSeconds = .with { $0.value = cpu }
            }
        }

        func memory(at now: Int64) -> Runtime_V1_MemoryUsage {
            .with {
                $0.timestamp = now
                $0.workingSetBytes = .with { $0.value = workingSet }
                $0.usageBytes = .with { $0.value = memory }
                $0.rssBytes = .with { $0.value = rss }
                $0.pageFaults = .with { $0.value = pageFaults }
                $0.majorPageFaults = .with { $0.value = majorPageFaults }
            }
        }
    }

    /// A cgroup's CPU and memory figures (either layout); zeros when the cgroup is gone.
    static func cgroupFigures(_ cgroup: String) -> CgroupFigures {
        guard let summary = CgroupMetrics.usage(cgroup) else { return CgroupFigures() }
        return CgroupFigures(cpu: summary.cpuTotal, memory: summary.memoryUsage, workingSet: summary.workingSet,
                             rss: summary.rss, pageFaults: summary.pageFaults, majorPageFaults: summary.majorPageFaults)
    }

    func podSandboxStats(_ sandbox: Sandbox) -> Runtime_V1_PodSandboxStats {
        let now = Timestamp.now.unixNanos
        let members = containers().filter { $0.status.sandboxID == sandbox.id }
        var total = sandbox.status.phase == .ready
            ? Self.cgroupFigures(cgroupsPath(sandbox, id: sandbox.id))
            : CgroupFigures()
        for member in members where member.status.phase == .running {
            total += Self.cgroupFigures(cgroupPath(member))
        }
        return .with {
            $0.attributes = .with {
                $0.id = sandbox.id
                $0.metadata = sandbox.config.metadata
                $0.labels = sandbox.config.labels
                $0.annotations = sandbox.config.annotations
            }
            $0.linux = .with {
                $0.cpu = total.cpu(at: now)
                $0.memory = total.memory(at: now)
                $0.containers = members.map(containerStats)
                if let network = podNetworkUsage(sandbox, at: now) { $0.network = network }
            }
        }
    }

    /// The counters of the pod's interfaces (loopback left out), read in its network namespace
    /// through the pause process; nil for host-network pods and pods that are not ready.
    func podInterfaces(_ sandbox: Sandbox) -> [CRIMetrics.NetworkCounters]? {
        guard sandbox.status.phase == .ready, !sandbox.hostNetwork, sandbox.status.pid > 0,
              let text = readTextFile("/proc/\(sandbox.status.pid)/net/dev")
        else { return nil }
        return CRIMetrics.NetworkCounters.parse(text)
    }

    func podNetworkUsage(_ sandbox: Sandbox, at now: Int64) -> Runtime_V1_NetworkUsage? {
        guard let counters = podInterfaces(sandbox) else { return nil }
        let interfaces = counters.map { counters in
            Runtime_V1_NetworkInterfaceUsage.with {
                $0.name = counters.name
                $0.rxBytes = .with { $0.value = counters.receiveBytes }
                $0.rxErrors = .with { $0.value = counters.receiveErrors }
                $0.txBytes = .with { $0.value = counters.transmitBytes }
                $0.txErrors = .with { $0.value = counters.transmitErrors }
            }
        }
        return .with {
            $0.timestamp = now
            // The CNI plugins name the pod's interface eth0, as the kubelet expects.
            if let first = interfaces.first(where: { $0.name == "eth0" }) ?? interfaces.first { $0.defaultInterface = first }
            $0.interfaces = interfaces
        }
    }

    /// A container's cgroup, under its pod's cgroup parent.
    func cgroupPath(_ container: CRIContainer) -> String {
        guard let sandbox = try? sandbox(container.status.sandboxID) else {
            return CRISpec.cgroupsPath(parent: "", id: container.id, namespace: namespace, systemd: false)
        }
        return cgroupsPath(sandbox, id: container.id)
    }
}
