import Core

/// The daemon's metadata: namespaces and, per namespace, the objects later services keep
/// (images today). One SQLite file under the metadata plugin's root.
public final class MetadataStore: Sendable {
    public let database: Database

    /// Tables whose rows belong to a namespace; a namespace holding rows in any of them cannot be
    /// deleted.
    static let namespacedTables = ["images"]

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
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (namespace, name)
        );
        CREATE TABLE image_labels (
            namespace TEXT NOT NULL,
            image TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (namespace, image, key),
            FOREIGN KEY (namespace, image) REFERENCES images(namespace, name) ON DELETE CASCADE
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
