import Core

/// What one garbage-collection pass removed.
public struct CollectionResult: Sendable, Equatable {
    /// Content records removed, per namespace.
    public var content: [String: [Digest]] = [:]
    /// Blobs no namespace refers to any more: the caller deletes their files.
    public var orphanBlobs: [Digest] = []
    /// Leases removed because their `containerd.io/gc.expire` time passed.
    public var expiredLeases: [String: [String]] = [:]
    /// Snapshot records removed: the caller deletes their backend directories.
    public var snapshots: [RemovedSnapshot] = []

    public var isEmpty: Bool { content.isEmpty && orphanBlobs.isEmpty && expiredLeases.isEmpty && snapshots.isEmpty }
}

/// A snapshot garbage collection removed from the metadata.
public struct RemovedSnapshot: Sendable, Equatable {
    public var snapshotter: String
    public var namespace: String
    public var key: String
    public var id: Int64
}

extension MetadataStore {
    /// Mark and sweep over content, in one transaction, as containerd's GC does it: roots are image
    /// targets, content labelled `containerd.io/gc.root`, and content held by a lease; references
    /// follow `containerd.io/gc.ref.content*` labels. Expired leases are removed first.
    /// Snapshots are kept when live content points at them (`containerd.io/gc.ref.snapshot.<name>`),
    /// when a container uses them, a lease holds them or they carry `containerd.io/gc.root`; a kept
    /// snapshot keeps its parents.
    public func collectGarbage(now: Timestamp = .now) throws(CtrError) -> CollectionResult {
        try database.transaction { (conn) throws(CtrError) -> CollectionResult in
            var result = CollectionResult()
            for row in try conn.query("SELECT namespace, id, labels FROM leases") {
                guard let namespace = row[0].text, let id = row[1].text, let text = row[2].text else { continue }
                let labels = try StringMap.decode(text)
                if let expire = labels[WellKnownLabels.gcExpire], let when = RFC3339.parse(expire), when < now {
                    try conn.query("DELETE FROM leases WHERE namespace = ? AND id = ?", [.text(namespace), .text(id)])
                    result.expiredLeases[namespace, default: []].append(id)
                }
            }

            var contentLabels: [String: [String: [String: String]]] = [:]
            for row in try conn.query("SELECT namespace, digest, labels FROM content") {
                guard let namespace = row[0].text, let digest = row[1].text, let text = row[2].text else { continue }
                contentLabels[namespace, default: [:]][digest] = try StringMap.decode(text)
            }
            var roots: [String: Set<String>] = [:]
            for row in try conn.query("SELECT namespace, digest FROM images") {
                if let namespace = row[0].text, let digest = row[1].text { roots[namespace, default: []].insert(digest) }
            }
            for row in try conn.query("SELECT namespace, id FROM lease_resources WHERE type = 'content'") {
                if let namespace = row[0].text, let digest = row[1].text { roots[namespace, default: []].insert(digest) }
            }
            for (namespace, records) in contentLabels {
                for (digest, labels) in records where labels[WellKnownLabels.gcRoot] != nil {
                    roots[namespace, default: []].insert(digest)
                }
            }

            var snapshotRoots: Set<SnapshotRef> = []
            for (namespace, records) in contentLabels {
                var marked: Set<String> = []
                var queue = Array(roots[namespace] ?? [])
                while let digest = queue.popLast() {
                    guard marked.insert(digest).inserted, let labels = records[digest] else { continue }
                    for (key, value) in labels where key.hasPrefix(WellKnownLabels.gcRefContent) {
                        queue.append(value)
                    }
                    for (key, value) in labels where key.hasPrefix(WellKnownLabels.gcRefSnapshot) {
                        let snapshotter = key.dropFirst(WellKnownLabels.gcRefSnapshot.count).split(separator: "/").first
                        snapshotRoots.insert(SnapshotRef(snapshotter: String(snapshotter ?? ""), namespace: namespace, key: value))
                    }
                }
                for digest in records.keys.sorted() where !marked.contains(digest) {
                    try conn.query("DELETE FROM content WHERE namespace = ? AND digest = ?",
                                   [.text(namespace), .text(digest)])
                    result.content[namespace, default: []].append(try Digest(parsing: digest))
                }
            }
            for digests in result.content.values {
                for digest in digests
                where try conn.query("SELECT 1 FROM content WHERE digest = ? LIMIT 1", [.text(digest.description)]).isEmpty {
                    result.orphanBlobs.append(digest)
                }
            }
            result.snapshots = try collectSnapshots(conn, roots: snapshotRoots)
            return result
        }
    }

    private struct SnapshotRef: Hashable {
        var snapshotter: String
        var namespace: String
        var key: String
    }

    private func collectSnapshots(_ conn: borrowing Connection, roots contentRoots: Set<SnapshotRef>) throws(CtrError) -> [RemovedSnapshot] {
        var roots = contentRoots
        for row in try conn.query("SELECT namespace, type, id FROM lease_resources WHERE type LIKE 'snapshots/%'") {
            guard let namespace = row[0].text, let type = row[1].text, let key = row[2].text else { continue }
            roots.insert(SnapshotRef(snapshotter: String(type.dropFirst("snapshots/".count)), namespace: namespace, key: key))
        }
        for row in try conn.query("SELECT namespace, snapshotter, snapshot_key FROM containers WHERE snapshot_key != ''") {
            guard let namespace = row[0].text, let snapshotter = row[1].text, let key = row[2].text else { continue }
            roots.insert(SnapshotRef(snapshotter: snapshotter, namespace: namespace, key: key))
        }
        var byID: [Int64: (ref: SnapshotRef, parent: Int64?)] = [:]
        var idByRef: [SnapshotRef: Int64] = [:]
        for row in try conn.query("SELECT id, snapshotter, namespace, key, parent_id, labels FROM snapshots") {
            guard let id = row[0].integer, let snapshotter = row[1].text, let namespace = row[2].text,
                  let key = row[3].text, let labels = row[5].text else { continue }
            let ref = SnapshotRef(snapshotter: snapshotter, namespace: namespace, key: key)
            byID[id] = (ref, row[4].integer)
            idByRef[ref] = id
            if try StringMap.decode(labels)[WellKnownLabels.gcRoot] != nil { roots.insert(ref) }
        }
        var marked: Set<Int64> = []
        for root in roots {
            var current = idByRef[root]
            while let id = current, marked.insert(id).inserted { current = byID[id]?.parent }
        }
        var removed: [RemovedSnapshot] = []
        // Children have larger IDs than their parents: delete from the top down.
        for id in byID.keys.sorted(by: >) where !marked.contains(id) {
            guard let ref = byID[id]?.ref else { continue }
            try conn.query("DELETE FROM snapshots WHERE id = ?", [.integer(id)])
            removed.append(RemovedSnapshot(snapshotter: ref.snapshotter, namespace: ref.namespace, key: ref.key, id: id))
        }
        return removed
    }
}
