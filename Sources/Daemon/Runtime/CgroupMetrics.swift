import API
import Core
import FoundationEssentials
import SwiftProtobuf

/// cgroup v1 figures of a task, as containerd reports them (`io.containerd.cgroups.v1.Metrics`).
enum CgroupMetrics {
    static let root = "/sys/fs/cgroup"
    static let typeURL = "io.containerd.cgroups.v1.Metrics"

    static func number(_ path: String) -> UInt64 {
        guard let text = readSmallFile(path) else { return 0 }
        // "max" (pids) and huge "no limit" values read as the largest number.
        return UInt64(text.split(separator: "\n").first ?? "") ?? UInt64.max
    }

    /// `key value` lines (memory.stat, cpu.stat, cpuacct.stat).
    static func table(_ path: String) -> [String: UInt64] {
        var values: [String: UInt64] = [:]
        for line in (readTextFile(path) ?? "").split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let value = UInt64(fields[1]) { values[String(fields[0])] = value }
        }
        return values
    }

    /// Reads the task's cgroup; nil when it has none (not running).
    static func read(cgroup: String) -> Io_Containerd_Cgroups_V1_Metrics? {
        let memory = root + "/memory" + cgroup
        guard readSmallFile(memory + "/memory.usage_in_bytes") != nil else { return nil }
        let cpuacct = root + "/cpuacct" + cgroup
        let cpu = root + "/cpu" + cgroup
        let pids = root + "/pids" + cgroup
        let stat = table(memory + "/memory.stat")
        let cpuStat = table(cpu + "/cpu.stat")
        let ticks = table(cpuacct + "/cpuacct.stat")
        // cpuacct.stat counts USER_HZ (100 per second) ticks.
        let nanosPerTick: UInt64 = 10_000_000
        return .with {
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
                    $0.usage = number(memory + "/memory.usage_in_bytes")
                    $0.limit = number(memory + "/memory.limit_in_bytes")
                    $0.max = number(memory + "/memory.max_usage_in_bytes")
                    $0.failcnt = number(memory + "/memory.failcnt")
                }
            }
            $0.cpu = .with {
                $0.usage = .with {
                    $0.total = number(cpuacct + "/cpuacct.usage")
                    $0.user = (ticks["user"] ?? 0) * nanosPerTick
                    $0.kernel = (ticks["system"] ?? 0) * nanosPerTick
                    $0.perCpu = (readSmallFile(cpuacct + "/cpuacct.usage_percpu") ?? "")
                        .split(separator: " ").compactMap { UInt64($0) }
                }
                $0.throttling = .with {
                    $0.periods = cpuStat["nr_periods"] ?? 0
                    $0.throttledPeriods = cpuStat["nr_throttled"] ?? 0
                    $0.throttledTime = cpuStat["throttled_time"] ?? 0
                }
            }
            $0.pids = .with {
                $0.current = number(pids + "/pids.current")
                let limit = number(pids + "/pids.max")
                $0.limit = limit == UInt64.max ? 0 : limit
            }
        }
    }
}
