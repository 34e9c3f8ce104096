import Core

/// A snapshot's metadata row: its backend ID (the directory the snapshotter keeps it in) and
/// the IDs of its ancestors, nearest first.
public struct SnapshotRecord: Sendable, Equatable {
    public var id: Int64
    public var info: SnapshotInfo
    public var usage: SnapshotUsage
    public var parentIDs: [Int64]
}

extension MetadataStore {
    static let snapshotColumns = "id, key, kind, parent_id, labels, size, inodes, created_at, updated_at"

    /// Creates an active or view snapshot. `create` runs inside the transaction with the new
    /// backend ID and the parent chain; when it throws, nothing is recorded. A lease, when given,
    /// holds the new snapshot.
    public func createSnapshot(_ snapshotter: String, _ namespace: String, key: String, parent: String,
                               kind: SnapshotKind, labels: [String: String], lease: String?,
                               create: (Int64, [Int64]) throws(CtrError) -> Void) throws(CtrError) -> SnapshotRecord {
        if key.isEmpty { throw .invalidArgument("snapshot key must not be empty") }
        try Labels.validate(labels)
        return try database.transaction { (conn) throws(CtrError) -> SnapshotRecord in
            try Self.ensureNamespace(conn, namespace)
            if try Self.snapshotRow(conn, snapshotter, namespace, key) != nil {
                throw .alreadyExists("snapshot \"\(key)\": already exists")
            }
            var parentID: Int64? = nil
            var parentIDs: [Int64] = []
            if !parent.isEmpty {
                guard let row = try Self.snapshotRow(conn, snapshotter, namespace, parent) else {
                    throw .notFound("parent snapshot \"\(parent)\": not found")
                }
                guard row.info.kind == .committed else {
                    throw .invalidArgument("parent snapshot \"\(parent)\" is not committed")
                }
                parentID = row.id
                parentIDs = [row.id] + (try Self.ancestors(conn, of: row.id))
            }
            let now = Timestamp.now
            try conn.query("""
                INSERT INTO snapshots (snapshotter, namespace, key, kind, parent_id, labels, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, [.text(snapshotter), .text(namespace), .text(key), .text(kind.rawValue),
                      parentID.map { .integer($0) } ?? .null, .text(StringMap.encode(labels)),
                      .integer(now.unixNanos), .integer(now.unixNanos)])
            let id = conn.lastInsertRowID
            if let lease {
                try Self.holdSnapshot(conn, snapshotter, namespace, key: key, lease: lease)
            }
            try create(id, parentIDs)
            return SnapshotRecord(id: id, info: SnapshotInfo(name: key, parent: parent, kind: kind, labels: labels,
                                                             createdAt: now, updatedAt: now),
                                  usage: SnapshotUsage(size: 0, inodes: 0), parentIDs: parentIDs)
        }
    }

    public func snapshot(_ snapshotter: String, _ namespace: String, _ key: String) throws(CtrError) -> SnapshotRecord {
        try database.read { (conn) throws(CtrError) -> SnapshotRecord in
            guard var row = try Self.snapshotRow(conn, snapshotter, namespace, key) else {
                throw .notFound("snapshot \"\(key)\": not found")
            }
            row.parentIDs = try Self.ancestors(conn, of: row.id)
            return row
        }
    }

    public func snapshots(_ snapshotter: String, _ namespace: String) throws(CtrError) -> [SnapshotRecord] {
        try database.read { (conn) throws(CtrError) -> [SnapshotRecord] in
            try conn.query("""
                SELECT \(Self.snapshotColumns), (SELECT p.key FROM snapshots p WHERE p.id = s.parent_id)
                FROM snapshots s WHERE snapshotter = ? AND namespace = ? ORDER BY key
                """, [.text(snapshotter), .text(namespace)]).map { (row) throws(CtrError) in try Self.snapshotRecord(row) }
        }
    }

    /// Runs `body` with every backend ID a snapshotter has records for, in all namespaces, while
    /// no snapshot can be created or removed (cleanup of orphaned directories).
    public func withSnapshotIDs<T>(_ snapshotter: String, _ body: (Set<Int64>) throws(CtrError) -> T) throws(CtrError) -> T {
        try database.read { (conn) throws(CtrError) -> T in
            let ids = Set(try conn.query("SELECT id FROM snapshots WHERE snapshotter = ?", [.text(snapshotter)])
                .compactMap { $0[0].integer })
            return try body(ids)
        }
    }

    /// Turns active snapshot `key` into committed snapshot `name` (same backend ID).
    public func commitSnapshot(_ snapshotter: String, _ namespace: String, name: String, key: String,
                               labels: [String: String], usage: SnapshotUsage, lease: String?) throws(CtrError) -> SnapshotRecord {
        if name.isEmpty { throw .invalidArgument("snapshot name must not be empty") }
        try Labels.validate(labels)
        return try database.transaction { (conn) throws(CtrError) -> SnapshotRecord in
            guard var row = try Self.snapshotRow(conn, snapshotter, namespace, key) else {
                throw .notFound("snapshot \"\(key)\": not found")
            }
            guard row.info.kind == .active else {
                throw .failedPrecondition("snapshot \"\(key)\" is \(row.info.kind.rawValue.lowercased()), only active snapshots can be committed")
            }
            if try Self.snapshotRow(conn, snapshotter, namespace, name) != nil {
                throw .alreadyExists("snapshot \"\(name)\": already exists")
            }
            let now = Timestamp.now
            try conn.query("""
                UPDATE snapshots SET key = ?, kind = ?, labels = ?, size = ?, inodes = ?, updated_at = ? WHERE id = ?
                """, [.text(name), .text(SnapshotKind.committed.rawValue), .text(StringMap.encode(labels)),
                      .integer(usage.size), .integer(usage.inodes), .integer(now.unixNanos), .integer(row.id)])
            try conn.query("DELETE FROM lease_resources WHERE namespace = ? AND type = ? AND id = ?",
                           [.text(namespace), .text("snapshots/" + snapshotter), .text(key)])
            if let lease {
                try Self.holdSnapshot(conn, snapshotter, namespace, key: name, lease: lease)
            }
            row.info.name = name
            row.info.kind = .committed
            row.info.labels = labels
            row.info.updatedAt = now
            row.usage = usage
            return row
        }
    }

    /// Removes a snapshot's record; `remove` runs inside the transaction with its backend ID.
    public func removeSnapshot(_ snapshotter: String, _ namespace: String, _ key: String,
                               remove: (Int64) throws(CtrError) -> Void) throws(CtrError) {
        try database.transaction { (conn) throws(CtrError) in
            guard let row = try Self.snapshotRow(conn, snapshotter, namespace, key) else {
                throw .notFound("snapshot \"\(key)\": not found")
            }
            let children = try conn.query("SELECT key FROM snapshots WHERE parent_id = ? ORDER BY key LIMIT 1",
                                          [.integer(row.id)])
            if let child = children.first?[0].text {
                throw .failedPrecondition("snapshot \"\(key)\" has children (\"\(child)\"): remove them first")
            }
            try conn.query("DELETE FROM snapshots WHERE id = ?", [.integer(row.id)])
            try conn.query("DELETE FROM lease_resources WHERE namespace = ? AND type = ? AND id = ?",
                           [.text(namespace), .text("snapshots/" + snapshotter), .text(key)])
            try remove(row.id)
        }
    }

    /// Updates a snapshot's labels: `paths` empty or `labels` replaces them all, `labels.<key>`
    /// changes one.
    public func updateSnapshot(_ snapshotter: String, _ namespace: String, _ key: String,
                               labels: [String: String], paths: [String]) throws(CtrError) -> SnapshotInfo {
        try database.transaction { (conn) throws(CtrError) -> SnapshotInfo in
            guard var row = try Self.snapshotRow(conn, snapshotter, namespace, key) else {
                throw .notFound("snapshot \"\(key)\": not found")
            }
            if paths.isEmpty { row.info.labels = labels }
            for path in paths {
                if path == "labels" {
                    row.info.labels = labels
                } else if path.hasPrefix("labels.") {
                    let label = String(path.dropFirst("labels.".count))
                    row.info.labels[label] = labels[label]
                } else {
                    throw .invalidArgument("cannot update \"\(path)\" field on snapshot \"\(key)\"")
                }
            }
            try Labels.validate(row.info.labels)
            row.info.updatedAt = .now
            try conn.query("UPDATE snapshots SET labels = ?, updated_at = ? WHERE id = ?",
                           [.text(StringMap.encode(row.info.labels)), .integer(row.info.updatedAt.unixNanos),
                            .integer(row.id)])
            return row.info
        }
    }

    static func holdSnapshot(_ conn: borrowing Connection, _ snapshotter: String, _ namespace: String,
                             key: String, lease: String) throws(CtrError) {
        guard try !conn.query("SELECT 1 FROM leases WHERE namespace = ? AND id = ?",
                              [.text(namespace), .text(lease)]).isEmpty
        else { throw .notFound("lease \"\(lease)\": not found") }
        try conn.query("INSERT OR IGNORE INTO lease_resources (namespace, lease, type, id) VALUES (?, ?, ?, ?)",
                       [.text(namespace), .text(lease), .text("snapshots/" + snapshotter), .text(key)])
    }

    static func snapshotRow(_ conn: borrowing Connection, _ snapshotter: String, _ namespace: String,
                            _ key: String) throws(CtrError) -> SnapshotRecord? {
        let rows = try conn.query("""
            SELECT \(snapshotColumns), (SELECT p.key FROM snapshots p WHERE p.id = s.parent_id)
            FROM snapshots s WHERE snapshotter = ? AND namespace = ? AND key = ?
            """, [.text(snapshotter), .text(namespace), .text(key)])
        guard let row = rows.first else { return nil }
        return try snapshotRecord(row)
    }

    static func snapshotRecord(_ row: [SQLValue]) throws(CtrError) -> SnapshotRecord {
        guard let id = row[0].integer, let key = row[1].text, let kindText = row[2].text,
              let kind = SnapshotKind(rawValue: kindText), let labels = row[4].text, let size = row[5].integer,
              let inodes = row[6].integer, let created = row[7].integer, let updated = row[8].integer
        else { throw .internalError("metadata database: malformed snapshot row") }
        return SnapshotRecord(
            id: id,
            info: SnapshotInfo(name: key, parent: row[9].text ?? "", kind: kind, labels: try StringMap.decode(labels),
                               createdAt: Timestamp(unixNanos: created), updatedAt: Timestamp(unixNanos: updated)),
            usage: SnapshotUsage(size: size, inodes: inodes), parentIDs: [])
    }

    static func ancestors(_ conn: borrowing Connection, of id: Int64) throws(CtrError) -> [Int64] {
        var chain: [Int64] = []
        var current = id
        while let parent = try conn.query("SELECT parent_id FROM snapshots WHERE id = ?", [.integer(current)])
            .first?[0].integer {
            chain.append(parent)
            current = parent
        }
        return chain
    }
}
