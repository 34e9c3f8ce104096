import Core

extension MetadataStore {
    /// Creates a namespace; fails with `alreadyExists` when it exists.
    public func createNamespace(_ namespace: Namespace) throws(CtrError) {
        try Identifier.validate(namespace.name, kind: "namespace")
        try Labels.validate(namespace.labels)
        try database.transaction { (conn) throws(CtrError) in
            do throws(CtrError) {
                try conn.query("INSERT INTO namespaces (name, created_at) VALUES (?, strftime('%s','now'))",
                               [.text(namespace.name)])
            } catch where error.code == .alreadyExists {
                throw .alreadyExists("namespace \"\(namespace.name)\": already exists")
            }
            try Self.writeLabels(conn, namespace: namespace.name, labels: namespace.labels)
        }
    }

    /// Creates the namespace when it does not exist yet; used by services that write into one.
    public func ensureNamespace(_ name: String) throws(CtrError) {
        try database.transaction { (conn) throws(CtrError) in try Self.ensureNamespace(conn, name) }
    }

    public func namespace(_ name: String) throws(CtrError) -> Namespace {
        try database.read { (conn) throws(CtrError) in
            guard try !conn.query("SELECT 1 FROM namespaces WHERE name = ?", [.text(name)]).isEmpty else {
                throw .notFound("namespace \"\(name)\": not found")
            }
            return Namespace(name: name, labels: try Self.readLabels(conn, namespace: name))
        }
    }

    public func namespaces() throws(CtrError) -> [Namespace] {
        try database.read { (conn) throws(CtrError) in
            var byName: [String: [String: String]] = [:]
            var order: [String] = []
            for row in try conn.query("SELECT name FROM namespaces ORDER BY name") {
                guard let name = row[0].text else { continue }
                order.append(name)
                byName[name] = [:]
            }
            for row in try conn.query("SELECT namespace, key, value FROM namespace_labels") {
                guard let ns = row[0].text, let key = row[1].text, let value = row[2].text else { continue }
                byName[ns, default: [:]][key] = value
            }
            return order.map { Namespace(name: $0, labels: byName[$0] ?? [:]) }
        }
    }

    /// Replaces the labels of a namespace (or only the given `paths`, `labels.<key>`, when not empty:
    /// a listed key missing from `labels` is removed). Returns the updated namespace.
    public func updateNamespace(_ namespace: Namespace, paths: [String]) throws(CtrError) -> Namespace {
        try Labels.validate(namespace.labels)
        return try database.transaction { (conn) throws(CtrError) -> Namespace in
            guard try !conn.query("SELECT 1 FROM namespaces WHERE name = ?", [.text(namespace.name)]).isEmpty else {
                throw .notFound("namespace \"\(namespace.name)\": not found")
            }
            var labels = try Self.readLabels(conn, namespace: namespace.name)
            if paths.isEmpty {
                labels = namespace.labels
            } else {
                for path in paths {
                    if path == "labels" {
                        labels = namespace.labels
                    } else if path.hasPrefix("labels.") {
                        let key = String(path.dropFirst("labels.".count))
                        labels[key] = namespace.labels[key]
                    } else {
                        throw .invalidArgument("cannot update \"\(path)\" field on namespace \"\(namespace.name)\"")
                    }
                }
            }
            try conn.query("DELETE FROM namespace_labels WHERE namespace = ?", [.text(namespace.name)])
            try Self.writeLabels(conn, namespace: namespace.name, labels: labels)
            return Namespace(name: namespace.name, labels: labels)
        }
    }

    /// Deletes an empty namespace: `notFound` when absent, `failedPrecondition` while it holds objects.
    public func deleteNamespace(_ name: String) throws(CtrError) {
        try database.transaction { (conn) throws(CtrError) in
            guard try !conn.query("SELECT 1 FROM namespaces WHERE name = ?", [.text(name)]).isEmpty else {
                throw .notFound("namespace \"\(name)\": not found")
            }
            var holding: [String] = []
            for table in Self.namespacedTables {
                if try !conn.query("SELECT 1 FROM \(table) WHERE namespace = ? LIMIT 1", [.text(name)]).isEmpty {
                    holding.append(table)
                }
            }
            if !holding.isEmpty {
                throw .failedPrecondition(
                    "namespace \"\(name)\" must be empty, but it still has \(holding.joined(separator: ", "))")
            }
            try conn.query("DELETE FROM namespaces WHERE name = ?", [.text(name)])
        }
    }

    private static func readLabels(_ conn: borrowing Connection, namespace: String) throws(CtrError) -> [String: String] {
        var labels: [String: String] = [:]
        for row in try conn.query("SELECT key, value FROM namespace_labels WHERE namespace = ?", [.text(namespace)]) {
            if let key = row[0].text, let value = row[1].text { labels[key] = value }
        }
        return labels
    }

    private static func writeLabels(_ conn: borrowing Connection, namespace: String, labels: [String: String]) throws(CtrError) {
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            try conn.query("INSERT INTO namespace_labels (namespace, key, value) VALUES (?, ?, ?)",
                           [.text(namespace), .text(key), .text(value)])
        }
    }
}
