import API
import Core
import FoundationEssentials
import SwiftProtobuf

/// A task's cgroup figures, read once: containerd's message for the host's layout
/// (`io.containerd.cgroups.v1.Metrics` or `io.containerd.cgroups.v2.Metrics`, what `Tasks.Metrics`
/// answers) and the layout-free summary the CRI's stats and cAdvisor-style metrics are made of.
struct CgroupMetrics {
    enum Message {
        case v1(Io_Containerd_Cgroups_V1_Metrics)
        case v2(Io_Containerd_Cgroups_V2_Metrics)
    }

    var message: Message
    var summary: CgroupSummary

    var typeURL: String {
        switch message {
        case .v1: "io.containerd.cgroups.v1.Metrics"
        case .v2: "io.containerd.cgroups.v2.Metrics"
        }
    }

    func serialized() -> Data {
        switch message {
        case .v1(let figures): (try? figures.serializedBytes()) ?? Data()
        case .v2(let figures): (try? figures.serializedBytes()) ?? Data()
        }
    }

    /// The cgroup of an OCI `cgroupsPath`; nil when it is gone (the task is not running).
    static func read(_ cgroupsPath: String, in hierarchy: CgroupHierarchy = .host) -> CgroupMetrics? {
        switch hierarchy.layout {
        case .v1: readV1(CgroupFiles(hierarchy: hierarchy, cgroupsPath: cgroupsPath))
        case .unified: readV2(CgroupFiles(hierarchy: hierarchy, cgroupsPath: cgroupsPath))
        }
    }

    /// Only what the CRI's stats report (CPU time; memory usage, working set, RSS, page faults),
    /// from three files instead of every one: a kubelet asks for every container's stats every few
    /// seconds. The same figures as `read(_:in:).summary` gives; nil when the cgroup is gone.
    static func usage(_ cgroupsPath: String, in hierarchy: CgroupHierarchy = .host) -> CgroupSummary? {
        let files = CgroupFiles(hierarchy: hierarchy, cgroupsPath: cgroupsPath)
        switch hierarchy.layout {
        case .v1:
            guard let usage = files.text("memory", "memory.usage_in_bytes").flatMap({ UInt64($0) }) else { return nil }
            let stat = files.table("memory", "memory.stat")
            return CgroupSummary(cpuTotal: files.number("cpuacct", "cpuacct.usage"), memoryUsage: usage,
                                 inactiveFile: stat["total_inactive_file"] ?? 0, rss: stat["total_rss"] ?? 0,
                                 pageFaults: stat["total_pgfault"] ?? 0, majorPageFaults: stat["total_pgmajfault"] ?? 0)
        case .unified:
            guard let usage = files.text("memory", "memory.current").flatMap({ UInt64($0) }) else { return nil }
            let stat = files.table("memory", "memory.stat")
            return CgroupSummary(cpuTotal: (files.table("cpu", "cpu.stat")["usage_usec"] ?? 0) * 1000, memoryUsage: usage,
                                 inactiveFile: stat["inactive_file"] ?? 0, rss: stat["anon"] ?? 0,
                                 pageFaults: stat["pgfault"] ?? 0, majorPageFaults: stat["pgmajfault"] ?? 0)
        }
    }

    /// Reads a cgroup's files by controller.
    struct CgroupFiles {
        let hierarchy: CgroupHierarchy
        let cgroupsPath: String

        func path(_ controller: String, _ file: String) -> String {
            hierarchy.directory(cgroupsPath, controller: controller) + "/" + file
        }

        func text(_ controller: String, _ file: String) -> String? { readSmallFile(path(controller, file)) }

        /// A number; "max" (no limit) reads as the largest number, a missing file as 0.
        func number(_ controller: String, _ file: String) -> UInt64 {
            guard let text = text(controller, file) else { return 0 }
            return UInt64(text.split(separator: "\n").first ?? "") ?? UInt64.max
        }

        func table(_ controller: String, _ file: String) -> [String: UInt64] {
            CgroupHierarchy.keyedValues(readTextFile(path(controller, file)) ?? "")
        }
    }

    static func readV1(_ files: CgroupFiles) -> CgroupMetrics? {
        guard files.text("memory", "memory.usage_in_bytes") != nil else { return nil }
        let stat = files.table("memory", "memory.stat")
        let cpuStat = files.table("cpu", "cpu.stat")
        let ticks = files.table("cpuacct", "cpuacct.stat")
        // cpuacct.stat counts USER_HZ (100 per second) ticks.
        let nanosPerTick: UInt64 = 10_000_000
        let pidsLimit = files.number("pids", "pids.max")
        let figures = Io_Containerd_Cgroups_V1_Metrics.with {
            $0.memory = .with {
                $0.cache = stat["cache"] ?? 0
                $0.rss = stat["rss"] ?? 0
                $0.rssHuge = stat["rss_huge"] ?? 0
                $0.mappedFile = stat["mapped_file"] ?? 0
                $0.dirty = stat["dirty"] ?? 0
                $0.writeback = stat["writeback"] ?? 0
                $0.pgFault = stat["pgfault"] ?? 0
                $0.pgMajFault = stat["pgmajfault"] ?? 0
                $0.inactiveAnon = stat["inactive_anon"] ?? 0
                $0.activeAnon = stat["active_anon"] ?? 0
                $0.inactiveFile = stat["inactive_file"] ?? 0
                $0.activeFile = stat["active_file"] ?? 0
                $0.unevictable = stat["unevictable"] ?? 0
                $0.hierarchicalMemoryLimit = stat["hierarchical_memory_limit"] ?? 0
                $0.totalCache = stat["total_cache"] ?? 0
                $0.totalRss = stat["total_rss"] ?? 0
                $0.totalRssHuge = stat["total_rss_huge"] ?? 0
                $0.totalMappedFile = stat["total_mapped_file"] ?? 0
                $0.totalDirty = stat["total_dirty"] ?? 0
                $0.totalWriteback = stat["total_writeback"] ?? 0
                $0.totalPgPgIn = stat["total_pgpgin"] ?? 0
                $0.totalPgPgOut = stat["total_pgpgout"] ?? 0
                $0.totalPgFault = stat["total_pgfault"] ?? 0
                $0.totalPgMajFault = stat["total_pgmajfault"] ?? 0
                $0.totalInactiveAnon = stat["total_inactive_anon"] ?? 0
                $0.totalActiveAnon = stat["total_active_anon"] ?? 0
                $0.totalInactiveFile = stat["total_inactive_file"] ?? 0
                $0.totalActiveFile = stat["total_active_file"] ?? 0
                $0.totalUnevictable = stat["total_unevictable"] ?? 0
                $0.usage = .with {
                    $0.usage = files.number("memory", "memory.usage_in_bytes")
                    $0.limit = files.number("memory", "memory.limit_in_bytes")
                    $0.max = files.number("memory", "memory.max_usage_in_bytes")
                    $0.failcnt = files.number("memory", "memory.failcnt")
                }
            }
            $0.cpu = .with {
                $0.usage = .with {
                    $0.total = files.number("cpuacct", "cpuacct.usage")
                    $0.user = (ticks["user"] ?? 0) * nanosPerTick
                    $0.kernel = (ticks["system"] ?? 0) * nanosPerTick
                    $0.perCpu = (files.text("cpuacct", "cpuacct.usage_percpu") ?? "")
                        .split(separator: " ").compactMap { UInt64($0) }
                }
                $0.throttling = .with {
                    $0.periods = cpuStat["nr_periods"] ?? 0
                    $0.throttledPeriods = cpuStat["nr_throttled"] ?? 0
                    $0.throttledTime = cpuStat["throttled_time"] ?? 0
                }
            }
            $0.pids = .with {
                $0.current = files.number("pids", "pids.current")
                $0.limit = pidsLimit == UInt64.max ? 0 : pidsLimit
            }
        }
        let memory = figures.memory
        let quota = files.text("cpu", "cpu.cfs_quota_us").flatMap { Int64($0) } ?? -1
        let summary = CgroupSummary(
            cpuTotal: figures.cpu.usage.total, cpuUser: figures.cpu.usage.user, cpuSystem: figures.cpu.usage.kernel,
            periods: figures.cpu.throttling.periods, throttledPeriods: figures.cpu.throttling.throttledPeriods,
            throttledNanos: figures.cpu.throttling.throttledTime,
            memoryUsage: memory.usage.usage, inactiveFile: memory.totalInactiveFile, rss: memory.totalRss,
            cache: memory.totalCache, mappedFile: memory.totalMappedFile, maxUsage: memory.usage.max,
            failcnt: memory.usage.failcnt, pageFaults: memory.totalPgFault, majorPageFaults: memory.totalPgMajFault,
            threads: figures.pids.current, threadsLimit: figures.pids.limit,
            // A limit at the kernel's "unlimited" (a page-rounded 2^63) reads as none.
            memoryLimit: memory.usage.limit >= 1 << 62 ? 0 : memory.usage.limit,
            cpuShares: files.number("cpu", "cpu.shares"), cpuQuota: quota > 0 ? UInt64(quota) : 0,
            cpuPeriod: files.number("cpu", "cpu.cfs_period_us"))
        return CgroupMetrics(message: .v1(figures), summary: summary)
    }

    static func readV2(_ files: CgroupFiles) -> CgroupMetrics? {
        guard files.text("memory", "memory.current") != nil else { return nil }
        let stat = files.table("memory", "memory.stat")
        let cpuStat = files.table("cpu", "cpu.stat")
        let events = files.table("memory", "memory.events")
        let pidsLimit = files.number("pids", "pids.max")
        let figures = Io_Containerd_Cgroups_V2_Metrics.with {
            $0.pids = .with {
                $0.current = files.number("pids", "pids.current")
                $0.limit = pidsLimit == UInt64.max ? 0 : pidsLimit
            }
            $0.cpu = .with {
                $0.usageUsec = cpuStat["usage_usec"] ?? 0
                $0.userUsec = cpuStat["user_usec"] ?? 0
                $0.systemUsec = cpuStat["system_usec"] ?? 0
                $0.nrPeriods = cpuStat["nr_periods"] ?? 0
                $0.nrThrottled = cpuStat["nr_throttled"] ?? 0
                $0.throttledUsec = cpuStat["throttled_usec"] ?? 0
            }
            $0.memory = .with {
                $0.anon = stat["anon"] ?? 0
                $0.file = stat["file"] ?? 0
                $0.kernelStack = stat["kernel_stack"] ?? 0
                $0.slab = stat["slab"] ?? 0
                $0.sock = stat["sock"] ?? 0
                $0.shmem = stat["shmem"] ?? 0
                $0.fileMapped = stat["file_mapped"] ?? 0
                $0.fileDirty = stat["file_dirty"] ?? 0
                $0.fileWriteback = stat["file_writeback"] ?? 0
                $0.anonThp = stat["anon_thp"] ?? 0
                $0.inactiveAnon = stat["inactive_anon"] ?? 0
                $0.activeAnon = stat["active_anon"] ?? 0
                $0.inactiveFile = stat["inactive_file"] ?? 0
                $0.activeFile = stat["active_file"] ?? 0
                $0.unevictable = stat["unevictable"] ?? 0
                $0.slabReclaimable = stat["slab_reclaimable"] ?? 0
                $0.slabUnreclaimable = stat["slab_unreclaimable"] ?? 0
                $0.pgfault = stat["pgfault"] ?? 0
                $0.pgmajfault = stat["pgmajfault"] ?? 0
                $0.workingsetRefault = stat["workingset_refault"] ?? stat["workingset_refault_file"] ?? 0
                $0.workingsetActivate = stat["workingset_activate"] ?? stat["workingset_activate_file"] ?? 0
                $0.workingsetNodereclaim = stat["workingset_nodereclaim"] ?? 0
                $0.pgrefill = stat["pgrefill"] ?? 0
                $0.pgscan = stat["pgscan"] ?? 0
                $0.pgsteal = stat["pgsteal"] ?? 0
                $0.pgactivate = stat["pgactivate"] ?? 0
                $0.pgdeactivate = stat["pgdeactivate"] ?? 0
                $0.pglazyfree = stat["pglazyfree"] ?? 0
                $0.pglazyfreed = stat["pglazyfreed"] ?? 0
                $0.thpFaultAlloc = stat["thp_fault_alloc"] ?? 0
                $0.thpCollapseAlloc = stat["thp_collapse_alloc"] ?? 0
                $0.usage = files.number("memory", "memory.current")
                $0.usageLimit = files.number("memory", "memory.max")
                $0.swapUsage = files.number("memory", "memory.swap.current")
                $0.swapLimit = files.number("memory", "memory.swap.max")
            }
            $0.memoryEvents = .with {
                $0.low = events["low"] ?? 0
                $0.high = events["high"] ?? 0
                $0.max = events["max"] ?? 0
                $0.oom = events["oom"] ?? 0
                $0.oomKill = events["oom_kill"] ?? 0
            }
            $0.io = .with { $0.usage = Self.ioEntries(files.text("io", "io.stat") ?? "") }
        }
        let memory = figures.memory
        let cpu = figures.cpu
        // cpu.max is "QUOTA PERIOD" or "max PERIOD"; cpu.weight (1-10000) converted back to
        // shares (2-262144), the inverse of the conversion runc applies to the spec's shares.
        let cpuMax = (files.text("cpu", "cpu.max") ?? "").split(separator: " ")
        let weight = files.text("cpu", "cpu.weight").flatMap { UInt64($0) }
        let summary = CgroupSummary(
            cpuTotal: cpu.usageUsec * 1000, cpuUser: cpu.userUsec * 1000, cpuSystem: cpu.systemUsec * 1000,
            periods: cpu.nrPeriods, throttledPeriods: cpu.nrThrottled, throttledNanos: cpu.throttledUsec * 1000,
            memoryUsage: memory.usage, inactiveFile: memory.inactiveFile, rss: memory.anon, cache: memory.file,
            mappedFile: memory.fileMapped, maxUsage: files.number("memory", "memory.peak"),
            failcnt: figures.memoryEvents.max, pageFaults: memory.pgfault, majorPageFaults: memory.pgmajfault,
            threads: figures.pids.current, threadsLimit: figures.pids.limit,
            memoryLimit: memory.usageLimit == UInt64.max ? 0 : memory.usageLimit,
            cpuShares: weight.map { 2 + (($0 - min($0, 1)) * 262_142) / 9999 } ?? 0,
            cpuQuota: cpuMax.first.flatMap { UInt64($0) } ?? 0,
            cpuPeriod: cpuMax.count == 2 ? UInt64(cpuMax[1]) ?? 0 : 0)
        return CgroupMetrics(message: .v2(figures), summary: summary)
    }

    /// `io.stat` lines: `MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N`.
    static func ioEntries(_ text: String) -> [Io_Containerd_Cgroups_V2_IOEntry] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            let device = fields.first?.split(separator: ":") ?? []
            guard device.count == 2, let major = UInt64(device[0]), let minor = UInt64(device[1]) else { return nil }
            var values: [Substring: UInt64] = [:]
            for field in fields.dropFirst() {
                let pair = field.split(separator: "=")
                if pair.count == 2, let value = UInt64(pair[1]) { values[pair[0]] = value }
            }
            return .with {
                $0.major = major
                $0.minor = minor
                $0.rbytes = values["rbytes"] ?? 0
                $0.wbytes = values["wbytes"] ?? 0
                $0.rios = values["rios"] ?? 0
                $0.wios = values["wios"] ?? 0
            }
        }
    }
}

/// What the CRI's stats and the cAdvisor-style metrics report of a cgroup, whatever the layout:
/// times in nanoseconds, sizes in bytes, limits 0 when there is none.
struct CgroupSummary: Equatable {
    var cpuTotal: UInt64 = 0
    var cpuUser: UInt64 = 0
    var cpuSystem: UInt64 = 0
    var periods: UInt64 = 0
    var throttledPeriods: UInt64 = 0
    var throttledNanos: UInt64 = 0
    var memoryUsage: UInt64 = 0
    var inactiveFile: UInt64 = 0
    var rss: UInt64 = 0
    var cache: UInt64 = 0
    var mappedFile: UInt64 = 0
    var maxUsage: UInt64 = 0
    var failcnt: UInt64 = 0
    var pageFaults: UInt64 = 0
    var majorPageFaults: UInt64 = 0
    var threads: UInt64 = 0
    var threadsLimit: UInt64 = 0
    var memoryLimit: UInt64 = 0
    var cpuShares: UInt64 = 0
    var cpuQuota: UInt64 = 0
    var cpuPeriod: UInt64 = 0

    /// Usage less inactive file pages, as the kubelet computes the working set.
    var workingSet: UInt64 { memoryUsage > inactiveFile ? memoryUsage - inactiveFile : 0 }
}
