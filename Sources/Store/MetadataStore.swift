import Core

/// The daemon's metadata: namespaces and, per namespace, the objects later services keep
/// (images, content records, leases, snapshots, containers). One SQLite file under the metadata plugin's root.
public final class MetadataStore: Sendable {
    public let database: Database

    /// Tables whose rows belong to a namespace; a namespace holding rows in any of them cannot be
    /// deleted.
    static let namespacedTables = ["images", "content", "leases", "snapshots", "containers"]

    public init(path: String) throws(CtrError) {
        database = try Database(path: path)
        try migrate()
    }

    private static let migrations: [String] = [
        """
        CREATE TABLE namespaces (
            name TEXT PRIMARY KEY NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE namespace_labels (
            namespace TEXT NOT NULL REFERENCES namespaces(name) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (namespace, key)
        );
        CREATE TABLE images (
            namespace TEXT NOT NULL REFERENCES namespaces(name),
            name TEXT NOT NULL,
            media_type TEXT NOT NULL,
            digest TEXT NOT NULL,
            size INTEGER NOT NULL,
            annotations TEXT NOT NULL DEFAULT '{}',
            labels TEXT NOT NULL DEFAULT '{}',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (namespace, name)
        );
        CREATE TABLE content (
            namespace TEXT NOT NULL REFERENCES namespaces(name),
            digest TEXT NOT NULL,
            size INTEGER NOT NULL,
            labels TEXT NOT NULL DEFAULT '{}',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (namespace, digest)
        );
        CREATE INDEX content_by_digest ON content (digest);
        CREATE TABLE leases (
            namespace TEXT NOT NULL REFERENCES namespaces(name),
            id TEXT NOT NULL,
            labels TEXT NOT NULL DEFAULT '{}',
            created_at INTEGER NOT NULL,
            PRIMARY KEY (namespace, id)
        );
        CREATE TABLE lease_resources (
            namespace TEXT NOT NULL,
            lease TEXT NOT NULL,
            type TEXT NOT NULL,
            id TEXT NOT NULL,
            PRIMARY KEY (namespace, lease, type, id),
            FOREIGN KEY (namespace, lease) REFERENCES leases(namespace, id) ON DELETE CASCADE
        );
        """,
        """
        CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            snapshotter TEXT NOT NULL,
            namespace TEXT NOT NULL REFERENCES namespaces(name),
            key TEXT NOT NULL,
            kind TEXT NOT NULL,
            parent_id INTEGER REFERENCES snapshots(id),
            labels TEXT NOT NULL DEFAULT '{}',
            size INTEGER NOT NULL DEFAULT 0,
            inodes INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (snapshotter, namespace, key)
        );
        CREATE INDEX snapshots_by_parent ON snapshots (parent_id);
        CREATE TABLE containers (
            namespace TEXT NOT NULL REFERENCES namespaces(name),
            id TEXT NOT NULL,
            labels TEXT NOT NULL DEFAULT '{}',
            image TEXT NOT NULL DEFAULT '',
            runtime_name TEXT NOT NULL,
            runtime_options_type TEXT,
            runtime_options BLOB,
            spec_type TEXT,
            spec BLOB,
            snapshotter TEXT NOT NULL DEFAULT '',
            snapshot_key TEXT NOT NULL DEFAULT '',
            extensions TEXT NOT NULL DEFAULT '{}',
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (namespace, id)
        );
        """,
    ]

    private func migrate() throws(CtrError) {
        try database.transaction { (conn) throws(CtrError) in
            let version = Int(try conn.query("PRAGMA user_version").first?.first?.integer ?? 0)
            guard version <= Self.migrations.count else {
                throw .failedPrecondition(
                    "metadata database \(database.path) has schema version \(version), newer than this ctr (\(Self.migrations.count))")
            }
            for index in version..<Self.migrations.count {
                try conn.execute(Self.migrations[index])
            }
            try conn.execute("PRAGMA user_version=\(Self.migrations.count)")
        }
    }
}
