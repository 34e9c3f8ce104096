import API
import Core
import FoundationEssentials

/// Pod and container figures as Prometheus-style metrics (ListMetricDescriptors,
/// ListPodSandboxMetrics, StreamPodSandboxMetrics): what a kubelet in CRI-only stats mode reads
/// and serves again on `/metrics/cadvisor`, so the names, types and labels are cAdvisor's.
///
/// The CRI carries every value as an unsigned integer: figures that cAdvisor gives in fractional
/// seconds (CPU time) are whole seconds here, as CRI-O reports them too.
enum CRIMetrics {
    /// The labels of every metric, cAdvisor's: the container's name (empty for the pod's own
    /// cgroup), its cgroup, image, ID, and the pod's namespace and name.
    static let labelKeys = ["container", "id", "image", "name", "namespace", "pod"]

    struct Family: Sendable {
        let name: String
        let help: String
        let type: Runtime_V1_MetricType
        /// Labels after `labelKeys`.
        let extraLabels: [String]

        init(_ name: String, _ type: Runtime_V1_MetricType, _ help: String, extraLabels: [String] = []) {
            self.name = name
            self.type = type
            self.help = help
            self.extraLabels = extraLabels
        }
    }

    static let cpuUsage = Family("container_cpu_usage_seconds_total", .counter, "Cumulative CPU time consumed, in seconds.")
    static let cpuUser = Family("container_cpu_user_seconds_total", .counter, "Cumulative user CPU time consumed, in seconds.")
    static let cpuSystem = Family("container_cpu_system_seconds_total", .counter,
                                  "Cumulative system CPU time consumed, in seconds.")
    static let cfsPeriods = Family("container_cpu_cfs_periods_total", .counter, "Number of elapsed CFS enforcement periods.")
    static let cfsThrottledPeriods = Family("container_cpu_cfs_throttled_periods_total", .counter,
                                            "Number of throttled CFS periods.")
    static let cfsThrottledSeconds = Family("container_cpu_cfs_throttled_seconds_total", .counter,
                                            "Total time the cgroup was throttled, in seconds.")
    static let memoryUsage = Family("container_memory_usage_bytes", .gauge, "Current memory usage, all memory included, in bytes.")
    static let memoryWorkingSet = Family("container_memory_working_set_bytes", .gauge,
                                         "Current working set (usage minus inactive file pages), in bytes.")
    static let memoryRSS = Family("container_memory_rss", .gauge, "Size of RSS (anonymous and swap cache memory), in bytes.")
    static let memoryCache = Family("container_memory_cache", .gauge, "Page cache memory, in bytes.")
    static let memoryMappedFile = Family("container_memory_mapped_file", .gauge, "Size of memory-mapped files, in bytes.")
    static let memoryMaxUsage = Family("container_memory_max_usage_bytes", .gauge, "Maximum memory usage recorded, in bytes.")
    static let memoryFailcnt = Family("container_memory_failcnt", .counter, "Number of times memory usage hit the limit.")
    static let memoryFailures = Family("container_memory_failures_total", .counter,
                                       "Cumulative count of memory allocation failures (page faults).",
                                       extraLabels: ["failure_type", "scope"])
    static let threads = Family("container_threads", .gauge, "Number of threads (tasks) in the cgroup.")
    static let threadsMax = Family("container_threads_max", .gauge, "Maximum number of threads allowed; 0 for no limit.")
    static let specMemoryLimit = Family("container_spec_memory_limit_bytes", .gauge, "Memory limit, in bytes; 0 for no limit.")
    static let specCPUShares = Family("container_spec_cpu_shares", .gauge, "CPU shares of the cgroup.")
    static let specCPUQuota = Family("container_spec_cpu_quota", .gauge, "CPU quota per period, in microseconds; 0 for none.")
    static let specCPUPeriod = Family("container_spec_cpu_period", .gauge, "CPU period, in microseconds.")
    static let startTime = Family("container_start_time_seconds", .gauge, "Start time since the Unix epoch, in seconds.")
    static let lastSeen = Family("container_last_seen", .gauge, "Last time the runtime saw the container, in Unix seconds.")
    static let network: [(Family, @Sendable (NetworkCounters) -> UInt64)] = [
        (Family("container_network_receive_bytes_total", .counter, "Cumulative bytes received.",
                extraLabels: ["interface"]), { $0.receiveBytes }),
        (Family("container_network_receive_packets_total", .counter, "Cumulative packets received.",
                extraLabels: ["interface"]), { $0.receivePackets }),
        (Family("container_network_receive_errors_total", .counter, "Cumulative errors while receiving.",
                extraLabels: ["interface"]), { $0.receiveErrors }),
        (Family("container_network_receive_packets_dropped_total", .counter, "Cumulative packets dropped while receiving.",
                extraLabels: ["interface"]), { $0.receiveDropped }),
        (Family("container_network_transmit_bytes_total", .counter, "Cumulative bytes transmitted.",
                extraLabels: ["interface"]), { $0.transmitBytes }),
        (Family("container_network_transmit_packets_total", .counter, "Cumulative packets transmitted.",
                extraLabels: ["interface"]), { $0.transmitPackets }),
        (Family("container_network_transmit_errors_total", .counter, "Cumulative errors while transmitting.",
                extraLabels: ["interface"]), { $0.transmitErrors }),
        (Family("container_network_transmit_packets_dropped_total", .counter,
                "Cumulative packets dropped while transmitting.", extraLabels: ["interface"]), { $0.transmitDropped }),
    ]

    static let cgroupFamilies = [
        cpuUsage, cpuUser, cpuSystem, cfsPeriods, cfsThrottledPeriods, cfsThrottledSeconds, memoryUsage, memoryWorkingSet,
        memoryRSS, memoryCache, memoryMappedFile, memoryMaxUsage, memoryFailcnt, memoryFailures, threads, threadsMax,
        specMemoryLimit, specCPUShares, specCPUQuota, specCPUPeriod,
    ]

    static var descriptors: [Runtime_V1_MetricDescriptor] {
        (cgroupFamilies + [startTime, lastSeen] + network.map(\.0)).map { family in
            .with {
                $0.name = family.name
                $0.help = family.help
                $0.labelKeys = labelKeys + family.extraLabels
            }
        }
    }

    /// One interface's counters from `/proc/<pid>/net/dev`.
    struct NetworkCounters: Equatable {
        var name = ""
        var receiveBytes: UInt64 = 0
        var receivePackets: UInt64 = 0
        var receiveErrors: UInt64 = 0
        var receiveDropped: UInt64 = 0
        var transmitBytes: UInt64 = 0
        var transmitPackets: UInt64 = 0
        var transmitErrors: UInt64 = 0
        var transmitDropped: UInt64 = 0

        /// The interfaces of `/proc/net/dev` text, loopback left out (as cAdvisor does).
        static func parse(_ text: String) -> [NetworkCounters] {
            text.split(separator: "\n").compactMap { line -> NetworkCounters? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                let name = String(line[..<colon]).trimmed
                let fields = line[line.index(after: colon)...].split(separator: " ").compactMap { UInt64($0) }
                guard name != "lo", fields.count >= 12 else { return nil }
                return NetworkCounters(name: name, receiveBytes: fields[0], receivePackets: fields[1], receiveErrors: fields[2],
                                       receiveDropped: fields[3], transmitBytes: fields[8], transmitPackets: fields[9],
                                       transmitErrors: fields[10], transmitDropped: fields[11])
            }
        }
    }

    /// Collects metrics with one timestamp and one set of base label values.
    struct Collector {
        let timestamp: Int64
        let labels: [String]
        var metrics: [Runtime_V1_Metric] = []

        mutating func add(_ family: Family, _ value: UInt64, extra: [String] = []) {
            metrics.append(.with {
                $0.name = family.name
                $0.timestamp = timestamp
                $0.metricType = family.type
                $0.labelValues = labels + extra
                $0.value = .with { $0.value = value }
            })
        }

        /// The cgroup's figures (either layout); nothing when the cgroup is gone.
        mutating func addCgroup(_ cgroup: String) {
            guard let figures = CgroupMetrics.read(cgroup)?.summary else { return }
            let nanosPerSecond: UInt64 = 1_000_000_000
            add(cpuUsage, figures.cpuTotal / nanosPerSecond)
            add(cpuUser, figures.cpuUser / nanosPerSecond)
            add(cpuSystem, figures.cpuSystem / nanosPerSecond)
            add(cfsPeriods, figures.periods)
            add(cfsThrottledPeriods, figures.throttledPeriods)
            add(cfsThrottledSeconds, figures.throttledNanos / nanosPerSecond)
            add(memoryUsage, figures.memoryUsage)
            add(memoryWorkingSet, figures.workingSet)
            add(memoryRSS, figures.rss)
            add(memoryCache, figures.cache)
            add(memoryMappedFile, figures.mappedFile)
            add(memoryMaxUsage, figures.maxUsage)
            add(memoryFailcnt, figures.failcnt)
            add(memoryFailures, figures.pageFaults - min(figures.pageFaults, figures.majorPageFaults),
                extra: ["pgfault", "container"])
            add(memoryFailures, figures.majorPageFaults, extra: ["pgmajfault", "container"])
            add(threads, figures.threads)
            add(threadsMax, figures.threadsLimit)
            add(specMemoryLimit, figures.memoryLimit)
            add(specCPUShares, figures.cpuShares)
            add(specCPUQuota, figures.cpuQuota)
            add(specCPUPeriod, figures.cpuPeriod)
        }
    }
}

extension CRIService {
    /// The metrics of one pod: its own cgroup and network (labelled with an empty container name,
    /// as cAdvisor labels a pod's cgroup), and each of its running containers.
    func podSandboxMetrics(_ sandbox: Sandbox) -> Runtime_V1_PodSandboxMetrics {
        let now = Timestamp.now.unixNanos
        let seconds = UInt64(max(0, now / 1_000_000_000))
        let meta = sandbox.config.metadata
        let podCgroup = cgroupsPath(sandbox, id: sandbox.id)
        var pod = CRIMetrics.Collector(timestamp: now, labels: ["", podCgroup, "", sandbox.id, meta.namespace, meta.name])
        if sandbox.status.phase == .ready {
            pod.addCgroup(podCgroup)
            pod.add(CRIMetrics.lastSeen, seconds)
            for counters in podInterfaces(sandbox) ?? [] {
                for (family, value) in CRIMetrics.network {
                    pod.add(family, value(counters), extra: [counters.name])
                }
            }
        }
        let members = containers().filter { $0.status.sandboxID == sandbox.id && $0.status.phase == .running }
        return .with {
            $0.podSandboxID = sandbox.id
            $0.metrics = pod.metrics
            $0.containerMetrics = members.map { container in
                let cgroup = cgroupsPath(sandbox, id: container.id)
                var collector = CRIMetrics.Collector(
                    timestamp: now,
                    labels: [container.config.metadata.name, cgroup, container.status.image, container.id, meta.namespace,
                             meta.name])
                collector.addCgroup(cgroup)
                collector.add(CRIMetrics.startTime, UInt64(max(0, container.status.startedAt / 1_000_000_000)))
                collector.add(CRIMetrics.lastSeen, seconds)
                return .with {
                    $0.containerID = container.id
                    $0.metrics = collector.metrics
                }
            }
        }
    }
}
