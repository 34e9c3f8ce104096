import Core
import Glibc

extension ShimServer {
    /// The parent of the container's memory cgroup (the pod's, under the systemd driver its
    /// slice), which counts the kills of its children too.
    func parentCgroupDirectory(_ cgroupsPath: String) -> String? {
        let directory = cgroups.directory(cgroupsPath, controller: "memory")
        guard let slash = directory.lastIndex(of: "/") else { return nil }
        return String(directory[..<slash])
    }

    /// Starts watching the container's `memory.events` (cgroup v2) for OOM kills, and notes how
    /// many kills its parent had counted so far; on v1 the cgroup outlives the container until
    /// it is deleted, so a look at the exit is enough.
    func watchOOM() {
        guard oomWatch < 0, let cgroupsPath = containerCgroup, let file = cgroups.oomEventsFile(cgroupsPath) else { return }
        parentOOMKills = parentCgroupDirectory(cgroupsPath).flatMap(cgroups.oomKills(inDirectory:))
        let watch = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard watch >= 0 else { return }
        guard inotify_add_watch(watch, file, UInt32(IN_MODIFY)) >= 0 else {
            close(watch)
            return
        }
        oomWatch = watch
    }

    /// Records an OOM kill the cgroup counted (once). With the systemd driver the kernel's kill,
    /// the exit and systemd's removal of the emptied scope race with this: when the scope is
    /// already gone, a kill its parent counted since the container started is taken as the
    /// container's (a sibling killed at the same moment would be taken for it too).
    func recordOOM() {
        if oomWatch >= 0 {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while read(oomWatch, &buffer, buffer.count) > 0 {}
        }
        let record = ShimOptions.oomRecord(bundle: options.bundle)
        guard access(record, F_OK) != 0, let cgroupsPath = containerCgroup else { return }
        var kills = cgroups.oomKills(cgroupsPath)
        if kills == nil, let before = parentOOMKills,
           let now = parentCgroupDirectory(cgroupsPath).flatMap(cgroups.oomKills(inDirectory:)) {
            kills = now > before ? now - before : 0
        }
        guard let kills, kills > 0 else { return }
        try? writeFileAtomically(record, Array("\(kills)".utf8), durable: false)
    }
}
