import Core
import Foundation
import TestSupport

/// A busybox OCI archive built from Debian's busybox-static, for tests that run containers.
/// `user` becomes the image's User, `command` its command (a pause image: busybox sleeping).
func busyboxArchive(in directory: String, tag: String = "v1", user: String? = nil, command: String? = nil) throws
    -> String
{
    let layout = directory + "/layout"
    var environment: [String: String] = [:]
    environment["IMAGE_USER"] = user
    environment["IMAGE_CMD"] = command
    let built = try run("/bin/bash", [repositoryRoot + "/Tests/Fixtures/scripts/busybox-image.sh", layout, tag],
                        environment: environment)
    guard built.status == 0 else { throw TestFailure("building busybox failed: \(built)") }
    let archive = directory + (tag == "v1" ? "/busybox.tar" : "/busybox-\(tag).tar")
    let copied = try run("/usr/bin/skopeo", ["copy", "-q", "oci:\(layout):\(tag)", "oci-archive:\(archive):\(tag)"])
    guard copied.status == 0 else { throw TestFailure("skopeo failed: \(copied)") }
    return archive
}

/// Kills every shim and container a test daemon rooted at `directory` started, and unmounts
/// what they left mounted, so no test leaks processes, mounts or cgroups.
func cleanUpRuntime(_ directory: String) {
    let bases = [directory + "/state/io.containerd.runtime.v2.task/runc"]
    let roots = bases.flatMap { base in
        ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).map { base + "/" + $0 }
    }
    for root in roots {
        let listed = (try? run("/usr/sbin/runc", ["--root", root, "list", "-q"]))?.stdout ?? ""
        for id in listed.split(separator: "\n") {
            _ = try? run("/usr/sbin/runc", ["--root", root, "delete", "--force", String(id)])
        }
    }
    _ = try? run("/usr/bin/pkill", ["-9", "-f", "ctr shim .*--bundle \(directory)/"])
    let mounts = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
    for line in mounts.split(separator: "\n").reversed() {
        let target = line.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        if target.hasPrefix(directory + "/") { _ = try? run("/bin/umount", ["-l", target]) }
    }
}
