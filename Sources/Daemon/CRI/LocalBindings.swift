import Core
import Snapshots
import Store
import Synchronization

/// The Core protocols over the daemon's own services, bound to one namespace (and, for writes,
/// one lease): what the CRI plugin runs pull and unpack on, with no gRPC in between.
struct LocalContent: ContentIngester, ContentReader, ContentLabeler {
    let service: ContentService
    let namespace: String
    let lease: String?

    func has(_ descriptor: Descriptor) async throws -> Bool {
        guard (try? service.info(namespace, descriptor.digest)) != nil else { return false }
        if let lease {
            try service.metadata.addLeaseResource(namespace, lease: lease,
                                                  LeaseResource(id: descriptor.digest.description, type: "content"))
        }
        return true
    }

    func ingest(_ descriptor: Descriptor, labels: [String: String],
                _ produce: @escaping @Sendable (@escaping @Sendable ([UInt8]) async throws -> Void) async throws -> Void)
        async throws
    {
        let opened: IngestWriter
        do {
            opened = try service.writer(namespace, ref: MediaType.ingestRef("cri-pull-", descriptor), total: descriptor.size,
                                        expected: descriptor.digest, lease: lease)
        } catch {
            if error.code == .alreadyExists { return }
            throw error
        }
        // The producer hands chunks over one at a time; the mutex makes that sharing explicit.
        let writer = Mutex(opened)
        let (service, namespace, lease) = (self.service, self.namespace, self.lease)
        do {
            try writer.withLock { (ingest) throws(CtrError) in try ingest.truncate() }
            try await produce { bytes in try writer.withLock { (ingest) throws(CtrError) in try ingest.write(bytes) } }
            _ = try writer.withLock { (ingest) throws(CtrError) in
                try service.commit(namespace, ingest, size: descriptor.size, expected: descriptor.digest, labels: labels,
                                   lease: lease)
            }
        } catch {
            writer.withLock { $0.abort() }
            if let failure = error as? CtrError, failure.code == .failedPrecondition {
                throw CtrError(.failedPrecondition,
                               "blob \(descriptor.digest) does not match its descriptor: \(failure.message)")
            }
            throw error
        }
    }

    func read(_ descriptor: Descriptor) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        try await service.read(namespace, descriptor.digest, offset: 0, size: 0) { _, chunk in bytes += chunk }
        return bytes
    }

    func stream(_ descriptor: Descriptor, _ body: @escaping @Sendable ([UInt8]) async throws -> Void) async throws {
        try await service.read(namespace, descriptor.digest, offset: 0, size: 0) { _, chunk in try await body(chunk) }
    }

    func labels(_ digest: Digest) async throws -> [String: String] {
        try service.info(namespace, digest).labels
    }

    func setLabels(_ digest: Digest, _ labels: [String: String]) async throws {
        var info = try service.info(namespace, digest)
        info.labels = labels
        _ = try service.update(namespace, info, paths: ["labels"])
    }
}

/// A local snapshotter in one namespace, its new snapshots held by `lease` when given.
struct LocalSnapshots: Snapshotter {
    let snapshotter: LocalSnapshotter
    let namespace: String
    let lease: String?

    func stat(_ key: String) async throws -> SnapshotInfo { try snapshotter.stat(namespace, key: key) }

    func prepare(_ key: String, parent: String, labels: [String: String]) async throws -> [Mount] {
        try snapshotter.prepare(namespace, key: key, parent: parent, labels: labels, lease: lease)
    }

    func view(_ key: String, parent: String, labels: [String: String]) async throws -> [Mount] {
        try snapshotter.view(namespace, key: key, parent: parent, labels: labels, lease: lease)
    }

    func mounts(_ key: String) async throws -> [Mount] { try snapshotter.mounts(namespace, key: key) }

    func commit(_ name: String, key: String, labels: [String: String]) async throws {
        try snapshotter.commit(namespace, name: name, key: key, labels: labels, lease: lease)
    }

    func remove(_ key: String) async throws { try snapshotter.remove(namespace, key: key) }
}

/// The walking differ in one namespace.
struct LocalDiffer: Differ {
    let service: LocalDiffService
    let namespace: String

    func apply(_ layer: Descriptor, mounts: [Mount]) async throws -> Descriptor {
        try service.apply(namespace, layer, mounts: mounts)
    }
}
