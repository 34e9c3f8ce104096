import Core

extension MetadataStore {
    static let imageColumns = "name, media_type, digest, size, annotations, labels, created_at, updated_at"

    static func image(_ row: [SQLValue]) throws(CtrError) -> Image {
        guard let name = row[0].text, let mediaType = row[1].text, let digest = row[2].text,
              let size = row[3].integer, let annotations = row[4].text, let labels = row[5].text,
              let created = row[6].integer, let updated = row[7].integer
        else { throw .internalError("metadata database: malformed image row") }
        return Image(
            name: name,
            target: Descriptor(mediaType: mediaType, digest: try Digest(parsing: digest), size: size,
                               annotations: try StringMap.decode(annotations)),
            labels: try StringMap.decode(labels),
            createdAt: Timestamp(unixNanos: created), updatedAt: Timestamp(unixNanos: updated))
    }

    public func image(_ namespace: String, _ name: String) throws(CtrError) -> Image {
        try database.read { (conn) throws(CtrError) -> Image in
            let rows = try conn.query("SELECT \(Self.imageColumns) FROM images WHERE namespace = ? AND name = ?",
                                      [.text(namespace), .text(name)])
            guard let row = rows.first else { throw .notFound("image \"\(name)\": not found") }
            return try Self.image(row)
        }
    }

    public func images(_ namespace: String) throws(CtrError) -> [Image] {
        try database.read { (conn) throws(CtrError) -> [Image] in
            var images: [Image] = []
            for row in try conn.query("SELECT \(Self.imageColumns) FROM images WHERE namespace = ? ORDER BY name",
                                      [.text(namespace)]) {
                images.append(try Self.image(row))
            }
            return images
        }
    }

    /// Creates an image; `alreadyExists` when the name is taken in the namespace.
    @discardableResult
    public func createImage(_ namespace: String, _ image: Image) throws(CtrError) -> Image {
        try Self.validate(image)
        return try database.transaction { (conn) throws(CtrError) -> Image in
            try Self.ensureNamespace(conn, namespace)
            var created = image
            created.createdAt = .now
            created.updatedAt = created.createdAt
            do throws(CtrError) {
                try conn.query("""
                    INSERT INTO images (namespace, \(Self.imageColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, Self.imageValues(namespace, created))
            } catch where error.code == .alreadyExists {
                throw .alreadyExists("image \"\(image.name)\": already exists")
            }
            return created
        }
    }

    /// Updates an image. `paths` names the fields to change (`labels`, `labels.<key>`, `target`,
    /// `annotations`, `annotations.<key>`); empty means target and labels. `target` may be nil
    /// when no path needs it.
    public func updateImage(_ namespace: String, name: String, target: Descriptor?, labels: [String: String],
                            paths: [String]) throws(CtrError) -> Image {
        try database.transaction { (conn) throws(CtrError) -> Image in
            let rows = try conn.query("SELECT \(Self.imageColumns) FROM images WHERE namespace = ? AND name = ?",
                                      [.text(namespace), .text(name)])
            guard let row = rows.first else { throw .notFound("image \"\(name)\": not found") }
            var updated = try Self.image(row)
            func requireTarget() throws(CtrError) -> Descriptor {
                guard let target else { throw .invalidArgument("image \"\(name)\": target is required") }
                return target
            }
            if paths.isEmpty {
                updated.target = try requireTarget()
                updated.labels = labels
            }
            for path in paths {
                switch path {
                case "labels": updated.labels = labels
                case "target": updated.target = try requireTarget()
                case "annotations": updated.target.annotations = target?.annotations ?? [:]
                default:
                    if path.hasPrefix("labels.") {
                        let key = String(path.dropFirst("labels.".count))
                        updated.labels[key] = labels[key]
                    } else if path.hasPrefix("annotations.") {
                        let key = String(path.dropFirst("annotations.".count))
                        updated.target.annotations[key] = target?.annotations[key]
                    } else {
                        throw .invalidArgument("cannot update \"\(path)\" field on image \"\(name)\"")
                    }
                }
            }
            try Self.validate(updated)
            updated.updatedAt = .now
            try conn.query("DELETE FROM images WHERE namespace = ? AND name = ?", [.text(namespace), .text(name)])
            try conn.query("INSERT INTO images (namespace, \(Self.imageColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           Self.imageValues(namespace, updated))
            return updated
        }
    }

    public func deleteImage(_ namespace: String, _ name: String) throws(CtrError) {
        try database.transaction { (conn) throws(CtrError) in
            try conn.query("DELETE FROM images WHERE namespace = ? AND name = ?", [.text(namespace), .text(name)])
            if conn.changes == 0 { throw .notFound("image \"\(name)\": not found") }
        }
    }

    static func validate(_ image: Image) throws(CtrError) {
        if image.name.isEmpty { throw .invalidArgument("image name must not be empty") }
        if image.target.mediaType.isEmpty {
            throw .invalidArgument("image \"\(image.name)\": target media type must not be empty")
        }
        try Labels.validate(image.labels)
    }

    static func imageValues(_ namespace: String, _ image: Image) -> [SQLValue] {
        [.text(namespace), .text(image.name), .text(image.target.mediaType), .text(image.target.digest.description),
         .integer(image.target.size), .text(StringMap.encode(image.target.annotations)),
         .text(StringMap.encode(image.labels)), .integer(image.createdAt.unixNanos),
         .integer(image.updatedAt.unixNanos)]
    }

    static func ensureNamespace(_ conn: borrowing Connection, _ namespace: String) throws(CtrError) {
        try Identifier.validate(namespace, kind: "namespace")
        try conn.query("INSERT OR IGNORE INTO namespaces (name, created_at) VALUES (?, strftime('%s','now'))",
                       [.text(namespace)])
    }
}

/// String maps (labels, annotations) stored as JSON objects with sorted keys.
enum StringMap {
    static func encode(_ map: [String: String]) -> String {
        JSONValue.sortedObject(map).serialized(indent: 0)
    }

    static func decode(_ text: String) throws(CtrError) -> [String: String] {
        guard case .object(let members) = try JSONValue.parse(text) else {
            throw .internalError("metadata database: malformed map \(text.prefix(40))")
        }
        var map: [String: String] = [:]
        for (key, value) in members {
            if case .string(let string) = value { map[key] = string }
        }
        return map
    }
}
