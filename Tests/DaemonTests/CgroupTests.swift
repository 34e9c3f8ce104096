import API
import Core
@testable import Daemon
import Foundation
import Testing
import TestSupport

/// Where a task's cgroup lives and what is read from it, on both layouts, from trees made in the
/// test with the kernel's own file formats (the host has one layout; CI's guest VM has the other).
@Suite("cgroup layouts")
struct CgroupTests {
    /// Writes `files` (path relative to `root` -> contents) and returns the hierarchy at `root`.
    func tree(_ root: TemporaryDirectory, _ files: [String: String]) throws -> CgroupHierarchy {
        for (path, text) in files {
            let full = root.path + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        }
        return CgroupHierarchy(root: root.path)
    }

    /// The three-file read the CRI's stats use gives what the full read gives.
    func expectUsageMatches(_ full: CgroupSummary, _ usage: CgroupSummary?) throws {
        let usage = try #require(usage)
        #expect(usage.cpuTotal == full.cpuTotal && usage.memoryUsage == full.memoryUsage
            && usage.workingSet == full.workingSet && usage.rss == full.rss && usage.pageFaults == full.pageFaults
            && usage.majorPageFaults == full.majorPageFaults, "\(usage) vs \(full)")
    }

    @Test func systemdPathsExpandAsRuncExpandsThem() {
        #expect(CgroupHierarchy.relativePath("kubepods-besteffort-pod1.slice:cri-containerd:abc")
            == "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-abc.scope")
        #expect(CgroupHierarchy.relativePath("system.slice:cri-containerd:abc") == "/system.slice/cri-containerd-abc.scope")
        // No slice: runc puts the scope in system.slice; the root slice is the root.
        #expect(CgroupHierarchy.relativePath(":ctr:abc") == "/system.slice/ctr-abc.scope")
        #expect(CgroupHierarchy.relativePath("-.slice:ctr:abc") == "/ctr-abc.scope")
        // A name that is a slice is the unit itself.
        #expect(CgroupHierarchy.relativePath("a.slice:ctr:a-b.slice") == "/a.slice/a-b.slice")
        // Paths stay paths (relative ones are taken from the root, as runc takes them).
        #expect(CgroupHierarchy.relativePath("/k8s.io/abc") == "/k8s.io/abc")
        #expect(CgroupHierarchy.relativePath("kubepods/pod1/abc") == "/kubepods/pod1/abc")
        #expect(SystemdCgroupPath("/a:b:c") == nil)
        #expect(SystemdCgroupPath("a.slice:b") == nil)
    }

    @Test func layoutIsDetectedAndDecidesTheDirectories() throws {
        let v1Root = try TemporaryDirectory("cgroup-v1")
        defer { v1Root.remove() }
        let v1 = try tree(v1Root, ["memory/k8s.io/abc/memory.usage_in_bytes": "4096\n",
                                   "unified/cgroup.controllers": ""])
        #expect(v1.layout == .v1)
        #expect(v1.directory("/k8s.io/abc", controller: "memory") == v1Root.path + "/memory/k8s.io/abc")
        let v2Root = try TemporaryDirectory("cgroup-v2")
        defer { v2Root.remove() }
        let v2 = try tree(v2Root, ["cgroup.controllers": "cpuset cpu io memory pids\n"])
        #expect(v2.layout == .unified)
        #expect(v2.directory("pod.slice:cri-containerd:abc", controller: "memory")
            == v2Root.path + "/pod.slice/cri-containerd-abc.scope")
    }

    @Test func unifiedFiguresAndLimits() throws {
        let root = try TemporaryDirectory("cgroup-v2")
        defer { root.remove() }
        let scope = "kubepods.slice/kubepods-pod1.slice/cri-containerd-abc.scope/"
        let hierarchy = try tree(root, [
            "cgroup.controllers": "cpuset cpu io memory pids\n",
            scope + "memory.current": "10485760\n",
            scope + "memory.max": "67108864\n",
            scope + "memory.peak": "20971520\n",
            scope + "memory.swap.current": "0\n",
            scope + "memory.swap.max": "max\n",
            scope + "memory.stat": "anon 6291456\nfile 4194304\nfile_mapped 1048576\ninactive_file 3145728\n"
                + "active_file 1048576\npgfault 1200\npgmajfault 7\nworkingset_refault_file 3\n",
            scope + "memory.events": "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n",
            scope + "cpu.stat": "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n"
                + "nr_periods 10\nnr_throttled 2\nthrottled_usec 30000\n",
            scope + "cpu.max": "50000 100000\n",
            scope + "cpu.weight": "100\n",
            scope + "pids.current": "3\n",
            scope + "pids.max": "max\n",
            scope + "io.stat": "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n",
        ])
        let path = "kubepods-pod1.slice:cri-containerd:abc"
        let figures = try #require(CgroupMetrics.read(path, in: hierarchy))
        #expect(figures.typeURL == "io.containerd.cgroups.v2.Metrics")
        let summary = figures.summary
        #expect(summary.cpuTotal == 2_500_000_000 && summary.cpuUser == 2_000_000_000 && summary.cpuSystem == 500_000_000)
        #expect(summary.periods == 10 && summary.throttledPeriods == 2 && summary.throttledNanos == 30_000_000)
        #expect(summary.memoryUsage == 10_485_760)
        #expect(summary.workingSet == 10_485_760 - 3_145_728)
        #expect(summary.rss == 6_291_456 && summary.cache == 4_194_304 && summary.mappedFile == 1_048_576)
        #expect(summary.maxUsage == 20_971_520 && summary.failcnt == 4)
        #expect(summary.pageFaults == 1200 && summary.majorPageFaults == 7)
        #expect(summary.threads == 3 && summary.threadsLimit == 0)
        #expect(summary.memoryLimit == 67_108_864)
        #expect(summary.cpuQuota == 50000 && summary.cpuPeriod == 100_000)
        #expect(summary.cpuShares == 2 + (99 * 262_142) / 9999)
        try expectUsageMatches(summary, CgroupMetrics.usage(path, in: hierarchy))
        guard case .v2(let message) = figures.message else {
            Issue.record("a unified host answers io.containerd.cgroups.v2.Metrics")
            return
        }
        let decoded = try Io_Containerd_Cgroups_V2_Metrics(serializedBytes: Array(figures.serialized()))
        #expect(decoded == message)
        #expect(message.memory.usageLimit == 67_108_864 && message.memory.swapLimit == UInt64.max)
        #expect(message.memoryEvents.oomKill == 1 && message.memory.workingsetRefault == 3)
        #expect(message.io.usage.count == 1 && message.io.usage.first?.wbytes == 8192)
        #expect(hierarchy.oomKills(path) == 1)
        #expect(hierarchy.oomEventsFile(path) == root.path + "/" + scope + "memory.events")
        // No limits: "max" everywhere reads as none.
        try Data("max\n".utf8).write(to: URL(fileURLWithPath: root.path + "/" + scope + "memory.max"))
        try Data("max 100000\n".utf8).write(to: URL(fileURLWithPath: root.path + "/" + scope + "cpu.max"))
        let unlimited = try #require(CgroupMetrics.read(path, in: hierarchy)).summary
        #expect(unlimited.memoryLimit == 0 && unlimited.cpuQuota == 0 && unlimited.cpuPeriod == 100_000)
        // A cgroup that is gone has no figures.
        #expect(CgroupMetrics.read("kubepods-pod1.slice:cri-containerd:gone", in: hierarchy) == nil)
        #expect(CgroupMetrics.usage("kubepods-pod1.slice:cri-containerd:gone", in: hierarchy) == nil)
        #expect(hierarchy.oomKills("kubepods-pod1.slice:cri-containerd:gone") == nil)
    }

    @Test func v1FiguresAndLimits() throws {
        let root = try TemporaryDirectory("cgroup-v1")
        defer { root.remove() }
        let relative = "/k8s.io/abc/"
        let hierarchy = try tree(root, [
            "memory" + relative + "memory.usage_in_bytes": "10485760\n",
            "memory" + relative + "memory.limit_in_bytes": "9223372036854771712\n",
            "memory" + relative + "memory.max_usage_in_bytes": "20971520\n",
            "memory" + relative + "memory.failcnt": "0\n",
            "memory" + relative + "memory.stat": "cache 4194304\nrss 6291456\ntotal_cache 4194304\ntotal_rss 6291456\n"
                + "total_mapped_file 1048576\ntotal_inactive_file 3145728\ntotal_pgfault 1200\ntotal_pgmajfault 7\n",
            "memory" + relative + "memory.oom_control": "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n",
            "cpuacct" + relative + "cpuacct.usage": "2500000000\n",
            "cpuacct" + relative + "cpuacct.stat": "user 200\nsystem 50\n",
            "cpuacct" + relative + "cpuacct.usage_percpu": "1500000000 1000000000 \n",
            "cpu" + relative + "cpu.stat": "nr_periods 10\nnr_throttled 2\nthrottled_time 30000000\n",
            "cpu" + relative + "cpu.shares": "1024\n",
            "cpu" + relative + "cpu.cfs_quota_us": "-1\n",
            "cpu" + relative + "cpu.cfs_period_us": "100000\n",
            "pids" + relative + "pids.current": "3\n",
            "pids" + relative + "pids.max": "max\n",
        ])
        let figures = try #require(CgroupMetrics.read("/k8s.io/abc", in: hierarchy))
        #expect(figures.typeURL == "io.containerd.cgroups.v1.Metrics")
        let summary = figures.summary
        #expect(summary.cpuTotal == 2_500_000_000 && summary.cpuUser == 2_000_000_000 && summary.cpuSystem == 500_000_000)
        #expect(summary.workingSet == 10_485_760 - 3_145_728 && summary.rss == 6_291_456)
        #expect(summary.memoryLimit == 0, "the kernel's unlimited reads as no limit")
        #expect(summary.cpuShares == 1024 && summary.cpuQuota == 0 && summary.cpuPeriod == 100_000)
        #expect(summary.threads == 3 && summary.threadsLimit == 0)
        try expectUsageMatches(summary, CgroupMetrics.usage("/k8s.io/abc", in: hierarchy))
        guard case .v1(let message) = figures.message else {
            Issue.record("a v1 host answers io.containerd.cgroups.v1.Metrics")
            return
        }
        #expect(message.cpu.usage.perCpu == [1_500_000_000, 1_000_000_000])
        #expect(hierarchy.oomKills("/k8s.io/abc") == 2)
        #expect(hierarchy.oomEventsFile("/k8s.io/abc") == nil)
    }

    @Test func criCgroupPathsFollowTheParentsForm() {
        #expect(CRISpec.cgroupsPath(parent: "/kubepods/besteffort/pod1", id: "abc", namespace: "k8s.io", systemd: false)
            == "/kubepods/besteffort/pod1/abc")
        #expect(CRISpec.cgroupsPath(parent: "", id: "abc", namespace: "k8s.io", systemd: false) == "/k8s.io/abc")
        #expect(CRISpec.cgroupsPath(parent: "kubepods-besteffort-pod1.slice", id: "abc", namespace: "k8s.io", systemd: true)
            == "kubepods-besteffort-pod1.slice:cri-containerd:abc")
        // The kubelet may give the whole slice path; runc wants the slice's name.
        #expect(CRISpec.cgroupsPath(parent: "/kubepods.slice/kubepods-pod1.slice", id: "abc", namespace: "k8s.io",
                                    systemd: true) == "kubepods-pod1.slice:cri-containerd:abc")
        #expect(CRISpec.cgroupsPath(parent: "", id: "abc", namespace: "k8s.io", systemd: true)
            == "system.slice:cri-containerd:abc")
    }

    @Test func aDriverMismatchSaysWhichSideToChange() throws {
        try CRISpec.checkCgroupDriver(parent: "kubepods-pod1.slice", systemd: true, pod: "p", systemdRunning: true)
        try CRISpec.checkCgroupDriver(parent: "/kubepods/pod1", systemd: false, pod: "p", systemdRunning: false)
        try CRISpec.checkCgroupDriver(parent: "", systemd: false, pod: "p", systemdRunning: false)
        func failure(_ parent: String, systemd: Bool, running: Bool) -> String {
            do {
                try CRISpec.checkCgroupDriver(parent: parent, systemd: systemd, pod: "web", systemdRunning: running)
                return ""
            } catch {
                #expect(error.code == .failedPrecondition)
                return error.message
            }
        }
        let cgroupfsKubelet = failure("/kubepods/pod1", systemd: true, running: true)
        #expect(cgroupfsKubelet.contains("pod sandbox \"web\"") && cgroupfsKubelet.contains("cgroupDriver: systemd")
            && cgroupfsKubelet.contains("SystemdCgroup = false"))
        let systemdKubelet = failure("kubepods-pod1.slice", systemd: false, running: true)
        #expect(systemdKubelet.contains("SystemdCgroup = true") && systemdKubelet.contains("cgroupDriver: cgroupfs"))
        let noSystemd = failure("kubepods-pod1.slice", systemd: true, running: false)
        #expect(noSystemd.contains("systemd is not running"))
    }

    @Test func unifiedResourcesReachTheSpecOnlyOnAUnifiedHost() throws {
        let resources = Runtime_V1_LinuxContainerResources.with {
            $0.memoryLimitInBytes = 64 << 20
            $0.memorySwapLimitInBytes = 64 << 20
            $0.unified = ["memory.high": "50331648", "memory.min": "0"]
        }
        var unified = OCISpec.defaultSpec(id: "c", namespace: "k8s.io")
        try CRISpec.applyResources(resources, to: &unified, restrictOOMScoreAdj: false, layout: .unified)
        #expect(unified.linux?.resources?.unified == ["memory.high": "50331648", "memory.min": "0"])
        #expect(unified.linux?.resources?.memory?.swap == 64 << 20)
        // What runc update receives is the OCI document, unified map included.
        let encoded = String(decoding: try JSONEncoder().encode(try #require(unified.linux?.resources)), as: UTF8.self)
        #expect(encoded.contains("\"unified\":{") && encoded.contains("\"memory.high\":\"50331648\""), "\(encoded)")

        var v1 = OCISpec.defaultSpec(id: "c", namespace: "k8s.io")
        try CRISpec.applyResources(resources, to: &v1, restrictOOMScoreAdj: false, layout: .v1)
        #expect(v1.linux?.resources?.unified == nil)
        #expect(v1.linux?.resources?.memory?.limit == 64 << 20)

        let hostile = Runtime_V1_LinuxContainerResources.with { $0.unified = ["../../memory.max": "1"] }
        var spec = OCISpec.defaultSpec(id: "c", namespace: "k8s.io")
        #expect(throws: CtrError.self) {
            try CRISpec.applyResources(hostile, to: &spec, restrictOOMScoreAdj: false, layout: .unified)
        }
    }
}
