@testable import Commands
import Core
import Foundation
import Testing

/// `ctr doctor`'s cgroup check on a unified hierarchy, from trees made in the test.
@Suite("ctr doctor: cgroups")
struct DoctorTests {
    func unified(controllers: String, subtree: String) throws -> (CgroupHierarchy, String) {
        let root = NSTemporaryDirectory() + "ctr-doctor-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Data(controllers.utf8).write(to: URL(fileURLWithPath: root + "/cgroup.controllers"))
        try Data(subtree.utf8).write(to: URL(fileURLWithPath: root + "/cgroup.subtree_control"))
        return (CgroupHierarchy(root: root), root)
    }

    @Test func unifiedControllersPodsNeedMustBeOffered() throws {
        // What a freshly booted Debian 12 offers; systemd has enabled only memory and pids below
        // the root so far, and runc or systemd enable the rest when a pod needs them.
        let (good, goodRoot) = try unified(controllers: "cpuset cpu io memory hugetlb pids rdma misc\n",
                                           subtree: "memory pids\n")
        defer { try? FileManager.default.removeItem(atPath: goodRoot) }
        let passed = Doctor.cgroups(good)
        #expect(passed.level == .ok && passed.detail.hasPrefix("v2 (unified)"), "\(passed)")

        // A delegated subtree (a container's cgroup namespace) without cpu and cpuset.
        let (missing, missingRoot) = try unified(controllers: "io memory pids\n", subtree: "")
        defer { try? FileManager.default.removeItem(atPath: missingRoot) }
        let absent = Doctor.cgroups(missing)
        #expect(absent.level == .fail && absent.detail.contains("no cpu, cpuset controller"), "\(absent)")
        #expect(absent.fix?.contains("'+cpu +cpuset'") == true, "\(absent)")
    }
}
