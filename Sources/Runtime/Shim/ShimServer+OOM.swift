import Core
import Glibc

extension ShimServer {
    /// The container's cgroup, from the bundle's spec.
    var cgroupsPath: String? {
        guard let text = readTextFile(options.bundle + "/config.json"), let spec = try? JSONValue.parse(text),
              let path = spec["linux"]?["cgroupsPath"]?.stringValue, !path.isEmpty
        else { return nil }
        return path
    }

    /// Starts watching the container's `memory.events` (cgroup v2) for OOM kills; on v1 the
    /// cgroup outlives the container until it is deleted, so a look at the exit is enough.
    func watchOOM() {
        guard oomWatch < 0, let cgroupsPath, let file = CgroupHierarchy.host.oomEventsFile(cgroupsPath) else { return }
        let watch = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard watch >= 0 else { return }
        guard inotify_add_watch(watch, file, UInt32(IN_MODIFY)) >= 0 else {
            close(watch)
            return
        }
        oomWatch = watch
    }

    /// Records an OOM kill the cgroup counted (once).
    func recordOOM() {
        if oomWatch >= 0 {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while read(oomWatch, &buffer, buffer.count) > 0 {}
        }
        let record = ShimOptions.oomRecord(bundle: options.bundle)
        guard access(record, F_OK) != 0, let cgroupsPath,
              let kills = CgroupHierarchy.host.oomKills(cgroupsPath), kills > 0
        else { return }
        try? writeFileAtomically(record, Array("\(kills)".utf8), durable: false)
    }
}
