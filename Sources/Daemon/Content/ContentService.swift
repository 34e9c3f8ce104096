public import Core
import Glibc
public import Store
import Synchronization

/// The namespaced content store: blobs shared on disk, a per-namespace record (with labels) for
/// each blob in the metadata database, and ingests keyed by namespace and ref.
public final class ContentService: Sendable {
    let blobs: BlobStore
    public let metadata: MetadataStore
    private let activeIngests = Mutex<Set<String>>([])
    private let collectionPending = Mutex<Bool>(false)
    private let snapshotBackends = Mutex<[String: @Sendable (Int64) -> Void]>([:])

    public init(root: String, metadata: MetadataStore) throws(CtrError) {
        blobs = try BlobStore(root: root)
        self.metadata = metadata
    }

    /// Runs garbage collection now and removes the blobs nobody refers to any more.
    @discardableResult
    public func collectGarbage() throws(CtrError) -> CollectionResult {
        let result = try metadata.collectGarbage()
        for digest in result.orphanBlobs { blobs.remove(digest) }
        let backends = snapshotBackends.withLock { $0 }
        for snapshot in result.snapshots { backends[snapshot.snapshotter]?(snapshot.id) }
        return result
    }

    /// Garbage collection removes the records of unreferenced snapshots; `remove` deletes the
    /// backend directory of one, for the snapshotter `name`.
    public func registerSnapshotBackend(_ name: String, remove: @escaping @Sendable (Int64) -> Void) {
        snapshotBackends.withLock { $0[name] = remove }
    }

    /// The file holding a blob the namespace has.
    public func blobPath(_ namespace: String, _ digest: Digest) throws(CtrError) -> String {
        _ = try metadata.contentInfo(namespace, digest)
        return blobs.blobPath(digest)
    }

    /// Collects garbage soon, once for any number of requests made meanwhile (deferred collection
    /// after deletions, as containerd's GC scheduler does).
    public func scheduleCollection(after delay: Duration = .milliseconds(100)) {
        let alreadyPending = collectionPending.withLock { pending in
            defer { pending = true }
            return pending
        }
        if alreadyPending { return }
        Task.detached { [self] in
            try? await Task.sleep(for: delay)
            collectionPending.withLock { $0 = false }
            _ = try? collectGarbage()
        }
    }

    static func key(_ namespace: String, _ ref: String) -> String { namespace + "/" + ref }

    public func info(_ namespace: String, _ digest: Digest) throws(CtrError) -> ContentInfo {
        try metadata.contentInfo(namespace, digest)
    }

    /// Content matching any of the filters (fields: `digest`, `size`, `labels.<key>`).
    public func list(_ namespace: String, filters: [String]) throws(CtrError) -> [ContentInfo] {
        let parsed = try Filter.parseAll(filters)
        return try metadata.contentInfos(namespace).filter { info in
            Filter.any(parsed) { path in
                switch path.first {
                case "digest": return info.digest.description
                case "size": return String(info.size)
                case "labels": return path.count >= 2 ? info.labels[path[1...].joined(separator: ".")] : nil
                default: return nil
                }
            }
        }
    }

    public func update(_ namespace: String, _ info: ContentInfo, paths: [String]) throws(CtrError) -> ContentInfo {
        try metadata.updateContent(namespace, info, paths: paths)
    }

    /// Removes the namespace's record; the blob goes when no namespace refers to it.
    public func delete(_ namespace: String, _ digest: Digest) throws(CtrError) {
        if try metadata.deleteContent(namespace, digest) {
            blobs.remove(digest)
        }
    }

    /// Streams the blob's bytes (offset, size 0 = to the end).
    public func read(_ namespace: String, _ digest: Digest, offset: Int64, size: Int64,
                     _ body: (Int64, [UInt8]) async throws -> Void) async throws {
        let info = try metadata.contentInfo(namespace, digest)
        if offset < 0 || offset > info.size {
            throw CtrError(.outOfRange, "read content \(digest): offset \(offset) outside 0...\(info.size)")
        }
        try await blobs.read(digest, offset: offset, length: size, body)
    }

    /// Opens the ingest `ref`; `unavailable` while another writer holds it, `alreadyExists` when
    /// the namespace already has the expected content.
    func writer(_ namespace: String, ref: String, total: Int64, expected: Digest?, lease: String? = nil) throws(CtrError)
        -> IngestWriter
    {
        if ref.isEmpty { throw .invalidArgument("ingest ref must not be empty") }
        if let expected, (try? metadata.contentInfo(namespace, expected)) != nil {
            // The content is there already; a lease asking for it still holds it.
            if let lease {
                try metadata.addLeaseResource(namespace, lease: lease, LeaseResource(id: expected.description, type: "content"))
            }
            throw .alreadyExists("content \(expected): already exists")
        }
        let key = Self.key(namespace, ref)
        let locked = activeIngests.withLock { $0.insert(key).inserted }
        guard locked else { throw .unavailable("ref \(ref) locked: another writer is active") }
        let unlock: @Sendable () -> Void = { [weak self] in _ = self?.activeIngests.withLock { $0.remove(key) } }
        do throws(CtrError) {
            return try IngestWriter(blobs: blobs, key: key, ref: ref, total: total, expected: expected, release: unlock)
        } catch {
            unlock()
            throw error
        }
    }

    /// Commits an ingest and records the content in the namespace.
    func commit(_ namespace: String, _ writer: IngestWriter, size: Int64, expected: Digest?,
                labels: [String: String], lease: String? = nil) throws(CtrError) -> Digest {
        let (digest, _) = try writer.commit(size: size, expected: expected)
        try metadata.addContent(namespace, digest: digest, size: writer.offset, labels: labels, lease: lease)
        return digest
    }

    public func status(_ namespace: String, ref: String) throws(CtrError) -> IngestStatus {
        guard let status = statuses(namespace).first(where: { $0.ref == ref }) else {
            throw .notFound("ingest \(ref): not found")
        }
        return status
    }

    /// Ingests of the namespace, read from disk.
    public func statuses(_ namespace: String) -> [IngestStatus] {
        let prefix = namespace + "/"
        return blobs.ingestKeys().compactMap { key, directory -> IngestStatus? in
            guard key.hasPrefix(prefix) else { return nil }
            let ref = String(key.dropFirst(prefix.count))
            var info = stat()
            let hasData = stat(directory + "/data", &info) == 0
            let started = Timestamp(unixNanos: Int64(readSmallFile(directory + "/startedat") ?? "") ?? 0)
            return IngestStatus(
                ref: ref, offset: hasData ? Int64(info.st_size) : 0,
                total: Int64(readSmallFile(directory + "/total") ?? "") ?? 0,
                expected: readSmallFile(directory + "/expected").flatMap { try? Digest(parsing: $0) },
                startedAt: started,
                updatedAt: hasData ? Timestamp(seconds: Int64(info.st_mtim.tv_sec), nanos: Int32(info.st_mtim.tv_nsec)) : started)
        }.sorted { $0.ref < $1.ref }
    }

    public func abort(_ namespace: String, ref: String) throws(CtrError) {
        guard blobs.ingestKeys()[Self.key(namespace, ref)] != nil else {
            throw .notFound("ingest \(ref): not found")
        }
        let writer = try self.writer(namespace, ref: ref, total: 0, expected: nil)
        writer.abort()
    }
}
