import Core

extension MetadataStore {
    public func createLease(_ namespace: String, _ lease: Lease) throws(CtrError) -> Lease {
        // containerd accepts any lease ID (its clients generate ones like "44092679--NLw"); only
        // empty or absurdly long IDs are refused.
        if lease.id.isEmpty || lease.id.utf8.count > 256 {
            throw .invalidArgument("lease id \"\(lease.id.prefix(40))\" must be 1 to 256 bytes")
        }
        try Labels.validate(lease.labels)
        return try database.transaction { (conn) throws(CtrError) -> Lease in
            try Self.ensureNamespace(conn, namespace)
            var created = lease
            created.createdAt = .now
            do throws(CtrError) {
                try conn.query("INSERT INTO leases (namespace, id, labels, created_at) VALUES (?, ?, ?, ?)",
                               [.text(namespace), .text(lease.id), .text(StringMap.encode(lease.labels)),
                                .integer(created.createdAt.unixNanos)])
            } catch where error.code == .alreadyExists {
                throw .alreadyExists("lease \"\(lease.id)\": already exists")
            }
            return created
        }
    }

    public func leases(_ namespace: String) throws(CtrError) -> [Lease] {
        try database.read { (conn) throws(CtrError) -> [Lease] in
            var leases: [Lease] = []
            for row in try conn.query("SELECT id, labels, created_at FROM leases WHERE namespace = ? ORDER BY id",
                                      [.text(namespace)]) {
                guard let id = row[0].text, let labels = row[1].text, let created = row[2].integer else {
                    throw .internalError("metadata database: malformed lease row")
                }
                leases.append(Lease(id: id, createdAt: Timestamp(unixNanos: created), labels: try StringMap.decode(labels)))
            }
            return leases
        }
    }

    public func deleteLease(_ namespace: String, _ id: String) throws(CtrError) {
        try database.transaction { (conn) throws(CtrError) in
            try conn.query("DELETE FROM leases WHERE namespace = ? AND id = ?", [.text(namespace), .text(id)])
            if conn.changes == 0 { throw .notFound("lease \"\(id)\": not found") }
        }
    }

    public func addLeaseResource(_ namespace: String, lease: String, _ resource: LeaseResource) throws(CtrError) {
        try database.transaction { (conn) throws(CtrError) in
            guard try !conn.query("SELECT 1 FROM leases WHERE namespace = ? AND id = ?",
                                  [.text(namespace), .text(lease)]).isEmpty
            else { throw .notFound("lease \"\(lease)\": not found") }
            try conn.query("INSERT OR IGNORE INTO lease_resources (namespace, lease, type, id) VALUES (?, ?, ?, ?)",
                           [.text(namespace), .text(lease), .text(resource.type), .text(resource.id)])
        }
    }

    public func deleteLeaseResource(_ namespace: String, lease: String, _ resource: LeaseResource) throws(CtrError) {
        try database.transaction { (conn) throws(CtrError) in
            guard try !conn.query("SELECT 1 FROM leases WHERE namespace = ? AND id = ?",
                                  [.text(namespace), .text(lease)]).isEmpty
            else { throw .notFound("lease \"\(lease)\": not found") }
            try conn.query("DELETE FROM lease_resources WHERE namespace = ? AND lease = ? AND type = ? AND id = ?",
                           [.text(namespace), .text(lease), .text(resource.type), .text(resource.id)])
        }
    }

    public func leaseResources(_ namespace: String, lease: String) throws(CtrError) -> [LeaseResource] {
        try database.read { (conn) throws(CtrError) -> [LeaseResource] in
            guard try !conn.query("SELECT 1 FROM leases WHERE namespace = ? AND id = ?",
                                  [.text(namespace), .text(lease)]).isEmpty
            else { throw .notFound("lease \"\(lease)\": not found") }
            return try conn.query("SELECT type, id FROM lease_resources WHERE namespace = ? AND lease = ? ORDER BY type, id",
                                  [.text(namespace), .text(lease)]).compactMap { row in
                guard let type = row[0].text, let id = row[1].text else { return nil }
                return LeaseResource(id: id, type: type)
            }
        }
    }
}
