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

    @Test func unifiedControllersMustBeEnabledForChildren() throws {
        let (good, goodRoot) = try unified(controllers: "cpuset cpu io memory hugetlb pids rdma misc\n",
                                           subtree: "cpuset cpu io memory pids\n")
        defer { try? FileManager.default.removeItem(atPath: goodRoot) }
        let passed = Doctor.cgroups(good)
        #expect(passed.level == .ok && passed.detail.hasPrefix("v2 (unified)"), "\(passed)")

        let (partial, partialRoot) = try unified(controllers: "cpuset cpu io memory pids\n", subtree: "memory pids\n")
        defer { try? FileManager.default.removeItem(atPath: partialRoot) }
        let disabled = Doctor.cgroups(partial)
        #expect(disabled.level == .fail && disabled.detail.contains("cpu, io, cpuset not enabled"), "\(disabled)")
        #expect(disabled.fix?.contains("'+cpu +io +cpuset' > \(partialRoot)/cgroup.subtree_control") == true)

        let (missing, missingRoot) = try unified(controllers: "cpu io memory pids\n", subtree: "cpu io memory pids\n")
        defer { try? FileManager.default.removeItem(atPath: missingRoot) }
        let absent = Doctor.cgroups(missing)
        #expect(absent.level == .fail && absent.detail.contains("no cpuset controller"), "\(absent)")
    }
}
