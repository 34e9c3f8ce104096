import Core

extension MetadataStore {
    static func contentInfo(_ row: [SQLValue]) throws(CtrError) -> ContentInfo {
        guard let digest = row[0].text, let size = row[1].integer, let labels = row[2].text,
              let created = row[3].integer, let updated = row[4].integer
        else { throw .internalError("metadata database: malformed content row") }
        return ContentInfo(digest: try Digest(parsing: digest), size: size, createdAt: Timestamp(unixNanos: created),
                           updatedAt: Timestamp(unixNanos: updated), labels: try StringMap.decode(labels))
    }

    public func contentInfo(_ namespace: String, _ digest: Digest) throws(CtrError) -> ContentInfo {
        try database.read { (conn) throws(CtrError) -> ContentInfo in
            let rows = try conn.query(
                "SELECT digest, size, labels, created_at, updated_at FROM content WHERE namespace = ? AND digest = ?",
                [.text(namespace), .text(digest.description)])
            guard let row = rows.first else { throw .notFound("content \(digest): not found") }
            return try Self.contentInfo(row)
        }
    }

    public func contentInfos(_ namespace: String) throws(CtrError) -> [ContentInfo] {
        try database.read { (conn) throws(CtrError) -> [ContentInfo] in
            var infos: [ContentInfo] = []
            for row in try conn.query(
                "SELECT digest, size, labels, created_at, updated_at FROM content WHERE namespace = ? ORDER BY digest",
                [.text(namespace)]) {
                infos.append(try Self.contentInfo(row))
            }
            return infos
        }
    }

    /// Records committed content in a namespace; `alreadyExists` when the namespace has it. A
    /// lease, when given, holds it from the same transaction on (garbage collection never sees
    /// it unreferenced).
    @discardableResult
    public func addContent(_ namespace: String, digest: Digest, size: Int64, labels: [String: String],
                           lease: String? = nil) throws(CtrError) -> ContentInfo
    {
        try Labels.validate(labels)
        return try database.transaction { (conn) throws(CtrError) -> ContentInfo in
            try Self.ensureNamespace(conn, namespace)
            let now = Timestamp.now
            do throws(CtrError) {
                try conn.query("""
                    INSERT INTO content (namespace, digest, size, labels, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, [.text(namespace), .text(digest.description), .integer(size),
                          .text(StringMap.encode(labels)), .integer(now.unixNanos), .integer(now.unixNanos)])
            } catch where error.code == .alreadyExists {
                throw .alreadyExists("content \(digest): already exists")
            }
            if let lease { try Self.holdContent(conn, namespace, digest, lease: lease) }
            return ContentInfo(digest: digest, size: size, createdAt: now, updatedAt: now, labels: labels)
        }
    }

    /// Records content unless the namespace has it already, and puts it under `lease`, in one
    /// transaction. Returns whether the record is new.
    @discardableResult
    public func recordContent(_ namespace: String, digest: Digest, size: Int64, labels: [String: String],
                              lease: String?) throws(CtrError) -> Bool {
        try Labels.validate(labels)
        return try database.transaction { (conn) throws(CtrError) -> Bool in
            try Self.ensureNamespace(conn, namespace)
            let now = Timestamp.now
            try conn.query("""
                INSERT OR IGNORE INTO content (namespace, digest, size, labels, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(namespace), .text(digest.description), .integer(size),
                      .text(StringMap.encode(labels)), .integer(now.unixNanos), .integer(now.unixNanos)])
            let created = conn.changes > 0
            if let lease { try Self.holdContent(conn, namespace, digest, lease: lease) }
            return created
        }
    }

    static func holdContent(_ conn: borrowing Connection, _ namespace: String, _ digest: Digest, lease: String) throws(CtrError) {
        guard try !conn.query("SELECT 1 FROM leases WHERE namespace = ? AND id = ?", [.text(namespace), .text(lease)]).isEmpty
        else { throw .notFound("lease \"\(lease)\": not found") }
        try conn.query("INSERT OR IGNORE INTO lease_resources (namespace, lease, type, id) VALUES (?, ?, ?, ?)",
                       [.text(namespace), .text(lease), .text("content"), .text(digest.description)])
    }

    /// Changes labels of content (`labels` or `labels.<key>` paths; empty means all labels).
    public func updateContent(_ namespace: String, _ info: ContentInfo, paths: [String]) throws(CtrError) -> ContentInfo {
        try database.transaction { (conn) throws(CtrError) -> ContentInfo in
            let rows = try conn.query(
                "SELECT digest, size, labels, created_at, updated_at FROM content WHERE namespace = ? AND digest = ?",
                [.text(namespace), .text(info.digest.description)])
            guard let row = rows.first else { throw .notFound("content \(info.digest): not found") }
            var updated = try Self.contentInfo(row)
            if paths.isEmpty { updated.labels = info.labels }
            for path in paths {
                if path == "labels" {
                    updated.labels = info.labels
                } else if path.hasPrefix("labels.") {
                    let key = String(path.dropFirst("labels.".count))
                    updated.labels[key] = info.labels[key]
                } else {
                    throw .invalidArgument("cannot update \"\(path)\" field on content \(info.digest)")
                }
            }
            try Labels.validate(updated.labels)
            updated.updatedAt = .now
            try conn.query("UPDATE content SET labels = ?, updated_at = ? WHERE namespace = ? AND digest = ?",
                           [.text(StringMap.encode(updated.labels)), .integer(updated.updatedAt.unixNanos),
                            .text(namespace), .text(info.digest.description)])
            return updated
        }
    }

    /// Removes content from a namespace. Returns true when no namespace refers to the blob any more.
    public func deleteContent(_ namespace: String, _ digest: Digest) throws(CtrError) -> Bool {
        try database.transaction { (conn) throws(CtrError) -> Bool in
            try conn.query("DELETE FROM content WHERE namespace = ? AND digest = ?",
                           [.text(namespace), .text(digest.description)])
            if conn.changes == 0 { throw .notFound("content \(digest): not found") }
            return try conn.query("SELECT 1 FROM content WHERE digest = ? LIMIT 1", [.text(digest.description)]).isEmpty
        }
    }
}
