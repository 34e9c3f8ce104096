import Core

extension MetadataStore {
    static let containerColumns = """
        id, labels, image, runtime_name, runtime_options_type, runtime_options, spec_type, spec, \
        snapshotter, snapshot_key, extensions, created_at, updated_at
        """

    public func container(_ namespace: String, _ id: String) throws(CtrError) -> Container {
        try database.read { (conn) throws(CtrError) -> Container in
            guard let row = try conn.query("SELECT \(Self.containerColumns) FROM containers WHERE namespace = ? AND id = ?",
                                           [.text(namespace), .text(id)]).first
            else { throw .notFound("container \"\(id)\": not found") }
            return try Self.container(row)
        }
    }

    public func containers(_ namespace: String) throws(CtrError) -> [Container] {
        try database.read { (conn) throws(CtrError) -> [Container] in
            try conn.query("SELECT \(Self.containerColumns) FROM containers WHERE namespace = ? ORDER BY id",
                           [.text(namespace)]).map { (row) throws(CtrError) in try Self.container(row) }
        }
    }

    @discardableResult
    public func createContainer(_ namespace: String, _ container: Container) throws(CtrError) -> Container {
        try Identifier.validate(container.id, kind: "container")
        try Self.validate(container)
        return try database.transaction { (conn) throws(CtrError) -> Container in
            try Self.ensureNamespace(conn, namespace)
            var created = container
            created.createdAt = .now
            created.updatedAt = created.createdAt
            do throws(CtrError) {
                try conn.query("INSERT INTO containers (namespace, \(Self.containerColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               Self.containerValues(namespace, created))
            } catch where error.code == .alreadyExists {
                throw .alreadyExists("container \"\(container.id)\": already exists")
            }
            return created
        }
    }

    /// Updates a container as containerd does: `paths` name `labels`, `labels.<key>`, `spec`,
    /// `image`, `snapshotkey`, `extensions`, `extensions.<name>`; empty means all of those.
    /// Runtime and snapshotter are immutable.
    public func updateContainer(_ namespace: String, _ container: Container, paths: [String]) throws(CtrError) -> Container {
        try database.transaction { (conn) throws(CtrError) -> Container in
            guard let row = try conn.query("SELECT \(Self.containerColumns) FROM containers WHERE namespace = ? AND id = ?",
                                           [.text(namespace), .text(container.id)]).first
            else { throw .notFound("container \"\(container.id)\": not found") }
            var updated = try Self.container(row)
            let fields = paths.isEmpty ? ["labels", "spec", "image", "snapshotkey", "extensions"] : paths
            if paths.isEmpty {
                if container.runtime.name != updated.runtime.name {
                    throw .invalidArgument("container \"\(container.id)\": runtime is immutable")
                }
                if container.snapshotter != updated.snapshotter {
                    throw .invalidArgument("container \"\(container.id)\": snapshotter is immutable")
                }
            }
            for path in fields {
                switch path {
                case "labels": updated.labels = container.labels
                case "spec": updated.spec = container.spec
                case "image": updated.image = container.image
                case "snapshotkey": updated.snapshotKey = container.snapshotKey
                case "extensions": updated.extensions = container.extensions
                default:
                    if path.hasPrefix("labels.") {
                        let key = String(path.dropFirst("labels.".count))
                        updated.labels[key] = container.labels[key]
                    } else if path.hasPrefix("extensions.") {
                        let key = String(path.dropFirst("extensions.".count))
                        updated.extensions[key] = container.extensions[key]
                    } else {
                        throw .invalidArgument("cannot update \"\(path)\" field on container \"\(container.id)\"")
                    }
                }
            }
            try Self.validate(updated)
            updated.updatedAt = .now
            try conn.query("DELETE FROM containers WHERE namespace = ? AND id = ?", [.text(namespace), .text(container.id)])
            try conn.query("INSERT INTO containers (namespace, \(Self.containerColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           Self.containerValues(namespace, updated))
            return updated
        }
    }

    public func deleteContainer(_ namespace: String, _ id: String) throws(CtrError) {
        try database.transaction { (conn) throws(CtrError) in
            try conn.query("DELETE FROM containers WHERE namespace = ? AND id = ?", [.text(namespace), .text(id)])
            if conn.changes == 0 { throw .notFound("container \"\(id)\": not found") }
        }
    }

    static func validate(_ container: Container) throws(CtrError) {
        try Labels.validate(container.labels)
        if container.runtime.name.isEmpty {
            throw .invalidArgument("container \"\(container.id)\": runtime name must be set")
        }
        if container.spec == nil {
            throw .invalidArgument("container \"\(container.id)\": spec must be set")
        }
        if !container.snapshotKey.isEmpty && container.snapshotter.isEmpty {
            throw .invalidArgument("container \"\(container.id)\": snapshotter must be set with a snapshot key")
        }
    }

    static func container(_ row: [SQLValue]) throws(CtrError) -> Container {
        guard let id = row[0].text, let labels = row[1].text, let image = row[2].text, let runtime = row[3].text,
              let snapshotter = row[8].text, let snapshotKey = row[9].text, let extensions = row[10].text,
              let created = row[11].integer, let updated = row[12].integer
        else { throw .internalError("metadata database: malformed container row") }
        func typed(_ type: SQLValue, _ value: SQLValue) -> TypedValue? {
            guard let url = type.text else { return nil }
            return TypedValue(typeURL: url, value: value.blob ?? [])
        }
        var decodedExtensions: [String: TypedValue] = [:]
        for (name, encoded) in try StringMap.decode(extensions) {
            guard let newline = encoded.firstIndex(of: "\n"),
                  let value = hexDecoded(String(encoded[encoded.index(after: newline)...]))
            else { throw .internalError("metadata database: malformed extension \"\(name)\" of container \"\(id)\"") }
            decodedExtensions[name] = TypedValue(typeURL: String(encoded[..<newline]), value: value)
        }
        return Container(id: id, labels: try StringMap.decode(labels), image: image,
                         runtime: .init(name: runtime, options: typed(row[4], row[5])), spec: typed(row[6], row[7]),
                         snapshotter: snapshotter, snapshotKey: snapshotKey,
                         createdAt: Timestamp(unixNanos: created), updatedAt: Timestamp(unixNanos: updated),
                         extensions: decodedExtensions)
    }

    static func containerValues(_ namespace: String, _ container: Container) -> [SQLValue] {
        let extensions = container.extensions.mapValues { $0.typeURL + "\n" + hexEncoded($0.value) }
        return [.text(namespace), .text(container.id), .text(StringMap.encode(container.labels)), .text(container.image),
                .text(container.runtime.name),
                container.runtime.options.map { .text($0.typeURL) } ?? .null,
                container.runtime.options.map { .blob($0.value) } ?? .null,
                container.spec.map { .text($0.typeURL) } ?? .null,
                container.spec.map { .blob($0.value) } ?? .null,
                .text(container.snapshotter), .text(container.snapshotKey), .text(StringMap.encode(extensions)),
                .integer(container.createdAt.unixNanos), .integer(container.updatedAt.unixNanos)]
    }
}

/// Bytes of a lowercase or uppercase hex string; nil when it is not hex.
func hexDecoded(_ text: String) -> [UInt8]? {
    var bytes: [UInt8] = []
    var high: UInt8? = nil
    for char in text.utf8 {
        let nibble: UInt8
        switch char {
        case 0x30...0x39: nibble = char - 0x30
        case 0x61...0x66: nibble = char - 0x61 + 10
        case 0x41...0x46: nibble = char - 0x41 + 10
        default: return nil
        }
        if let h = high {
            bytes.append(h << 4 | nibble)
            high = nil
        } else {
            high = nibble
        }
    }
    return high == nil ? bytes : nil
}
