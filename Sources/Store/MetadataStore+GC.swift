import Core

/// What one garbage-collection pass removed.
public struct CollectionResult: Sendable, Equatable {
    /// Content records removed, per namespace.
    public var content: [String: [Digest]] = [:]
    /// Blobs no namespace refers to any more: the caller deletes their files.
    public var orphanBlobs: [Digest] = []
    /// Leases removed because their `containerd.io/gc.expire` time passed.
    public var expiredLeases: [String: [String]] = [:]

    public var isEmpty: Bool { content.isEmpty && orphanBlobs.isEmpty && expiredLeases.isEmpty }
}

extension MetadataStore {
    /// Mark and sweep over content, in one transaction, as containerd's GC does it: roots are image
    /// targets, content labelled `containerd.io/gc.root`, and content held by a lease; references
    /// follow `containerd.io/gc.ref.content*` labels. Expired leases are removed first.
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

            for (namespace, records) in contentLabels {
                var marked: Set<String> = []
                var queue = Array(roots[namespace] ?? [])
                while let digest = queue.popLast() {
                    guard marked.insert(digest).inserted, let labels = records[digest] else { continue }
                    for (key, value) in labels where key.hasPrefix(WellKnownLabels.gcRefContent) {
                        queue.append(value)
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
            return result
        }
    }
}
