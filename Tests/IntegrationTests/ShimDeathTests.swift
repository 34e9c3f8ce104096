import Foundation
import Testing
import TestSupport

extension CRITests {
    /// A shim SIGKILLed while its container runs: nothing supervises the container any more, so
    /// the task ends, as containerd ends it: the container is reported exited and its process is
    /// gone. The same client on both daemons.
    @Test("SIGKILL of a running container's shim: the container is reported exited and its process is gone, as on containerd", .usesContainerd)
    func shimKilled() throws {
        let fixture = try CRIFixture()
        defer { withExtendedLifetime(fixture) {} }
        let (ours, theirs) = try fixture.onBoth { cri, label -> [String] in
            try cri("pull", fixture.images.busybox)
            let podPath = fixture.path + "/\(label)-shimkill-pod.json"
            try writeJSON(#"{"metadata": {"name": "shimkill", "namespace": "default", "uid": "u-\#(label)", "attempt": 1}, "log_directory": "\#(fixture.path)/logs-\#(label)"}"#, to: podPath)
            let pod = try cri("runp", "--timeout", "60s", podPath).trimmed
            let containerPath = fixture.path + "/\(label)-shimkill.json"
            // A sleep with a length of its own finds the process later.
            let marker = "sleep \(Int.random(in: 100_000_000...999_999_999))"
            try writeJSON(#"{"metadata": {"name": "c"}, "image": {"image": "\#(fixture.images.busybox)"}, "command": ["/bin/sh", "-c", "exec \#(marker)"], "log_path": "c.log"}"#, to: containerPath)
            let id = try cri("create", pod, containerPath, podPath).trimmed
            try cri("start", id)
            // Ours runs one `ctr shim` per container; containerd 1.6 one shim per pod, named by the pod.
            let shimPattern = label == "ours" ? "ctr shim .*--id \(id)" : "containerd-shim-runc-v2 .*-id \(pod)"
            let killed = try run("/usr/bin/pkill", ["-9", "-f", shimPattern])
            var seen = ["shim killed: \(killed.status == 0)"]
            var state = ""
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                state = try cri.json("inspect", "-o", "json", id)["status"]?["state"]?.stringValue ?? ""
                if state == "CONTAINER_EXITED" { break }
                Thread.sleep(forTimeInterval: 0.2)
            }
            seen.append("state \(state)")
            let alive = try run("/usr/bin/pgrep", ["-f", marker]).stdout.trimmed
            seen.append("process gone: \(alive.isEmpty)")
            _ = try cri.attempt("rmp", "-f", pod)
            return seen
        }
        #expect(ours == ["shim killed: true", "state CONTAINER_EXITED", "process gone: true"])
        #expect(ours == theirs, "ours: \(ours)\ncontainerd: \(theirs)")
    }
}
