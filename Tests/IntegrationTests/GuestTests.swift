import Core
import Foundation
import Testing
import TestSupport

/// Real nodes: the cgroup scenario (limits in the layout's files, stats, metrics, OOMKilled,
/// cgroups gone) on this machine's layout, and the whole node scenario (systemd service,
/// readiness, restarts, both cgroup drivers on cgroup v2) in a Debian guest VM booted with qemu.
/// scripts/test.sh runs this suite on its own, after the others: the guest takes both cores.
@Suite("Real nodes", .serialized)
struct GuestTests {
    static let guestDirectory = repositoryRoot + "/Tests/Guest"

    /// busybox (tag v1) and a pause image (busybox sleeping, tag pause) as OCI archives in `directory`.
    static func images(in directory: String) throws -> (busybox: String, pause: String) {
        (try busyboxArchive(in: directory), try busyboxArchive(in: directory, tag: "pause", command: "/bin/sleep 2147483647"))
    }

    @Test("the cgroup scenario on this machine's own layout, with the cgroupfs driver")
    func cgroupScenarioOnThisHost() throws {
        let dir = try TemporaryDirectory("ctr-cgscn")
        defer {
            cleanUpRuntime(dir.path)
            dir.remove()
        }
        let (busybox, pause) = try Self.images(in: dir.path)
        let daemon = try DaemonProcess.ours(in: dir.path, config: """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "example.com/busybox:pause"
            """)
        let a = ["--address", daemon.socket]
        for archive in [busybox, pause] {
            try ctr(a + ["-n", "k8s.io", "images", "import", "--base-name", "example.com/busybox", archive])
        }
        let scenario = try run("/bin/bash", [Self.guestDirectory + "/cgroup-scenario.sh", "cgroupfs",
                                             "example.com/busybox:v1", dir.path + "/work"],
                               environment: ["CTR": ctrBinary, "CONTAINERD_ADDRESS": daemon.socket,
                                             "CONTAINERD_CTR": containerdCtr],
                               timeout: .seconds(240))
        print(scenario.stdout)
        #expect(scenario.status == 0, "\(scenario)\n\(daemon.log.suffix(3000))")
        #expect(scenario.stdout.contains("passed [cgroupfs] cgroup scenario"))
        try daemon.stop()
    }

    @Test("a Debian guest with systemd and cgroup v2: the service's readiness, restarts and stop; both cgroup drivers",
          .timeLimit(.minutes(20)))
    func debianGuest() throws {
        let dir = try TemporaryDirectory("ctr-guest")
        defer { dir.remove() }
        let share = dir.path + "/share"
        let results = dir.path + "/results"
        try FileManager.default.createDirectory(atPath: share, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)

        // The binary without its debug sections (a quarter of the bytes to read over 9p), and the
        // Swift libraries beside it: its run path includes $ORIGIN.
        let stripped = try run("/usr/bin/objcopy", ["--strip-debug", ctrBinary, share + "/ctr"])
        guard stripped.status == 0 else { throw TestFailure("objcopy failed: \(stripped)") }
        let libraries = try run("/usr/bin/ldd", [ctrBinary])
        for line in libraries.stdout.split(separator: "\n") {
            guard let path = line.split(separator: " ").first(where: { $0.hasPrefix("/opt/swift/") }) else { continue }
            try FileManager.default.copyItem(atPath: String(path), toPath: share + "/" + (String(path) as NSString).lastPathComponent)
        }
        try FileManager.default.copyItem(atPath: Self.guestDirectory + "/node-scenario.sh", toPath: share + "/scenario.sh")
        try FileManager.default.copyItem(atPath: Self.guestDirectory + "/cgroup-scenario.sh",
                                         toPath: share + "/cgroup-scenario.sh")
        // install-service.sh finds the unit beside it, as in the repository.
        for path in ["scripts/install-service.sh", "packaging/ctr.service"] {
            try FileManager.default.createDirectory(atPath: share + "/" + (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: repositoryRoot + "/" + path, toPath: share + "/" + path)
        }
        try FileManager.default.copyItem(atPath: containerdCtr, toPath: share + "/containerd-ctr")
        let images = try Self.images(in: dir.path + "/images")
        try FileManager.default.copyItem(atPath: images.busybox, toPath: share + "/busybox.tar")
        try FileManager.default.copyItem(atPath: images.pause, toPath: share + "/pause.tar")

        let started = ContinuousClock.now
        let built = try run("/bin/bash", [Self.guestDirectory + "/guest.sh", "build"], timeout: .seconds(900))
        let buildTime = ContinuousClock.now - started
        guard built.status == 0 else {
            Issue.record("building the guest image failed (status \(built.status)):\n\(built.stderr.suffix(4000))")
            return
        }
        let booted = ContinuousClock.now
        let guest = try run("/bin/bash", [Self.guestDirectory + "/guest.sh", "run", share, results, "900"],
                            timeout: .seconds(960))
        let runTime = ContinuousClock.now - booted
        let scenario = (try? String(contentsOfFile: results + "/scenario.log", encoding: .utf8)) ?? ""
        let bootTime = (try? String(contentsOfFile: results + "/boot-time", encoding: .utf8)) ?? ""
        print("""
            guest image: \(buildTime) (cached when quick); boot and scenario: \(runTime)
            boot: \(bootTime.trimmingCharacters(in: .whitespacesAndNewlines))
            \(guest.stderr.suffix(1500))
            \(scenario)
            """)
        let console = (try? String(contentsOfFile: results + "/console.log", encoding: .utf8)) ?? ""
        #expect(guest.status == 0, "the guest scenario failed (status \(guest.status)):\n\(scenario)\n\(guest.stderr.suffix(3000))\nconsole:\n\(console.suffix(4000))")
        guard guest.status == 0 else { return }
        #expect(scenario.contains("passed [node] node scenario"))
        #expect(scenario.contains("passed [cgroupfs] cgroup scenario on the unified layout"))
        #expect(scenario.contains("passed [systemd] cgroup scenario on the unified layout"))
    }
}
