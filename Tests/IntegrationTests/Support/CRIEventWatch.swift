import Foundation
import Testing
import TestSupport

/// `ctr cri events -o json` running against a CRI socket, its output collected in a file; stopped
/// when released.
final class CRIEventWatch {
    let process = Process()
    let path: String

    init(socket: String, path: String) throws {
        self.path = path
        FileManager.default.createFile(atPath: path, contents: nil)
        process.executableURL = URL(fileURLWithPath: ctrBinary)
        process.arguments = ["cri", "events", "-o", "json"]
        process.environment = ["CONTAINER_RUNTIME_ENDPOINT": "unix://" + socket]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// What arrived so far.
    var text: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// Creates and removes probe containers in `pod` until their events arrive, so that the
    /// subscription is known to be live; returns once the last probe's events are in (events
    /// arrive in order, so everything before them is in too).
    func waitUntilLive(_ cri: CRICLI, pod: String, podPath: String, image: String, directory: String) throws {
        var probes = 0
        func probe() throws -> String {
            probes += 1
            let probePath = directory + "/probe.json"
            try writeJSON(containerConfig(name: "probe-\(probes)", image: image, command: ["/bin/true"]), to: probePath)
            let id = try cri("create", pod, probePath, podPath).trimmingCharacters(in: .whitespacesAndNewlines)
            try cri("rm", id)
            return id
        }
        try eventually("the CRI event subscription", timeout: .seconds(30)) {
            _ = try probe()
            return text.contains("CONTAINER_DELETED_EVENT")
        }
        // The subscription may have begun between a probe's creation and its removal, so that
        // only its deletion came (a loaded CI machine met that once): one more probe, whole.
        let lastProbe = try probe()
        try eventually("the last probe's events") { text.components(separatedBy: lastProbe).count - 1 >= 2 }
    }

    deinit {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
