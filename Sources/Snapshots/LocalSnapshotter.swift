public import Core
import Glibc
public import Store

/// The overlayfs and native snapshotters: each snapshot is a directory `snapshots/<id>` under the
/// plugin root (`fs`, plus `work` for overlayfs), records and parentage in the metadata store.
/// overlayfs stacks committed parents as lower directories; native copies the parent's tree.
public final class LocalSnapshotter: Sendable {
    public enum Driver: String, Sendable {
        case overlayfs, native
    }

    public let driver: Driver
    public let root: String
    let metadata: MetadataStore
    public var name: String { driver.rawValue }

    public init(driver: Driver, root: String, metadata: MetadataStore) throws(CtrError) {
        self.driver = driver
        self.root = root
        self.metadata = metadata
        try FileTree.makeDirectory(root, mode: 0o700)
        try FileTree.makeDirectory(root + "/snapshots", mode: 0o700)
        try cleanup()
    }

    func directory(_ id: Int64) -> String { "\(root)/snapshots/\(id)" }

    // MARK: Operations

    public func prepare(_ namespace: String, key: String, parent: String, labels: [String: String],
                        lease: String?) throws(CtrError) -> [Mount] {
        try create(namespace, key: key, parent: parent, kind: .active, labels: labels, lease: lease)
    }

    public func view(_ namespace: String, key: String, parent: String, labels: [String: String],
                     lease: String?) throws(CtrError) -> [Mount] {
        try create(namespace, key: key, parent: parent, kind: .view, labels: labels, lease: lease)
    }

    private func create(_ namespace: String, key: String, parent: String, kind: SnapshotKind,
                        labels: [String: String], lease: String?) throws(CtrError) -> [Mount] {
        let record = try metadata.createSnapshot(name, namespace, key: key, parent: parent, kind: kind, labels: labels,
                                                 lease: lease) { (id, parents) throws(CtrError) in
            // A directory left by a crash before its record committed may hold this ID.
            let path = directory(id)
            try FileTree.remove(path)
            try FileTree.makeDirectory(path, mode: 0o700)
            try FileTree.makeDirectory(path + "/fs")
            if driver == .overlayfs {
                try FileTree.makeDirectory(path + "/work", mode: 0o700)
            } else if let nearest = parents.first {
                let copy = try Subprocess.run(["cp", "-a", "--reflink=auto", directory(nearest) + "/fs/.", path + "/fs/"])
                if copy.status != 0 {
                    throw .internalError("snapshot \"\(key)\": copy parent \"\(parent)\": \(copy.error.trimmed)")
                }
            }
        }
        return mounts(record)
    }

    public func mounts(_ namespace: String, key: String) throws(CtrError) -> [Mount] {
        let record = try metadata.snapshot(name, namespace, key)
        if record.info.kind == .committed {
            throw .failedPrecondition("snapshot \"\(key)\" is committed: mount a view or an active snapshot of it")
        }
        return mounts(record)
    }

    func mounts(_ record: SnapshotRecord) -> [Mount] {
        let readOnly = record.info.kind == .view
        let own = directory(record.id) + "/fs"
        if driver == .native || record.parentIDs.isEmpty {
            return [Mount(type: "bind", source: own, options: [readOnly ? "ro" : "rw", "rbind"])]
        }
        let lowers = record.parentIDs.map { directory($0) + "/fs" }
        if readOnly {
            if lowers.count == 1 {
                return [Mount(type: "bind", source: lowers[0], options: ["ro", "rbind"])]
            }
            return [Mount(type: "overlay", source: "overlay", options: ["lowerdir=" + lowers.joined(separator: ":")])]
        }
        return [Mount(type: "overlay", source: "overlay",
                      options: ["workdir=" + directory(record.id) + "/work", "upperdir=" + own,
                                "lowerdir=" + lowers.joined(separator: ":")])]
    }

    public func commit(_ namespace: String, name committed: String, key: String, labels: [String: String],
                       lease: String?) throws(CtrError) {
        let record = try metadata.snapshot(name, namespace, key)
        let usage = FileTree.usage(directory(record.id) + "/fs")
        _ = try metadata.commitSnapshot(name, namespace, name: committed, key: key, labels: labels, usage: usage, lease: lease)
    }

    public func remove(_ namespace: String, key: String) throws(CtrError) {
        do {
            try removeRecorded(namespace, key: key)
        } catch where error.code == .resourceExhausted {
            // A full disk (typically filled by this very snapshot, an extraction that ran out of
            // space) leaves the database no room to record the removal. An active snapshot's
            // data goes anyway once it is removed: free it first, then record the removal.
            guard let record = try? metadata.snapshot(name, namespace, key), record.info.kind != .committed else {
                throw error
            }
            try? FileTree.remove(directory(record.id) + "/fs")
            try removeRecorded(namespace, key: key)
        }
    }

    /// Removes the record and then the directory. The directory is moved aside inside the
    /// transaction and moved back if the transaction fails, so a removal that could not be
    /// recorded (a full disk) leaves the snapshot whole.
    private func removeRecorded(_ namespace: String, key: String) throws(CtrError) {
        var moved: (from: String, to: String)? = nil
        do {
            try metadata.removeSnapshot(name, namespace, key) { (id) throws(CtrError) in
                let from = directory(id)
                let to = "\(root)/snapshots/rm-\(id)"
                if Glibc.rename(from, to) != 0 {
                    guard errno == ENOENT else { throw .internalError("remove snapshot \"\(key)\": \(Errno.current)") }
                    return
                }
                moved = (from, to)
            }
        } catch {
            if let moved { _ = Glibc.rename(moved.to, moved.from) }
            throw error
        }
        if let moved { try? FileTree.remove(moved.to) }
    }

    /// Deletes the directory of a snapshot whose record garbage collection removed.
    public func removeBackend(_ id: Int64) {
        try? FileTree.remove(directory(id))
    }

    public func stat(_ namespace: String, key: String) throws(CtrError) -> SnapshotInfo {
        try metadata.snapshot(name, namespace, key).info
    }

    public func update(_ namespace: String, key: String, labels: [String: String], paths: [String]) throws(CtrError) -> SnapshotInfo {
        try metadata.updateSnapshot(name, namespace, key, labels: labels, paths: paths)
    }

    public func list(_ namespace: String) throws(CtrError) -> [SnapshotInfo] {
        try metadata.snapshots(name, namespace).map(\.info)
    }

    public func usage(_ namespace: String, key: String) throws(CtrError) -> SnapshotUsage {
        let record = try metadata.snapshot(name, namespace, key)
        if record.info.kind == .committed { return record.usage }
        return FileTree.usage(directory(record.id) + "/fs")
    }

    /// Removes directories no record refers to (left by crashes or interrupted removals).
    public func cleanup() throws(CtrError) {
        let base = root + "/snapshots"
        let orphans = try metadata.withSnapshotIDs(name) { (ids) throws(CtrError) -> [String] in
            FileTree.list(base).filter { entry in
                guard let id = Int64(entry) else { return true }
                return !ids.contains(id)
            }
        }
        for entry in orphans { try FileTree.remove(base + "/" + entry) }
    }
}
