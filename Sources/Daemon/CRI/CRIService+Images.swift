import API
import Core
import Registry
import Store

/// One image as CRI sees it: an image config (its ID) and every name that points at it.
struct CRIImage: Sendable {
    var id: String
    var repoTags: [String]
    var repoDigests: [String]
    var size: UInt64
    var resolved: ResolvedImage
}

extension CRIService {
    var contentStore: LocalContent { LocalContent(service: content, namespace: namespace, lease: nil) }

    /// Resolves an image record to its config and layers (cached by target digest).
    func resolve(_ image: Image) async throws -> ResolvedImage {
        if let cached = imageCache.withLock({ $0[image.target.digest] }) { return cached }
        let resolved = try await ResolvedImage.resolve(image.name, target: image.target, content: contentStore,
                                                       platforms: PlatformMatcher())
        imageCache.withLock { $0[image.target.digest] = resolved }
        return resolved
    }

    /// Every image of the namespace, grouped by image ID. Records that do not resolve (content
    /// missing, another platform) are left out.
    func images() async throws -> [CRIImage] {
        var byID: [String: CRIImage] = [:]
        var order: [String] = []
        for record in try metadata.images(namespace) {
            guard let resolved = try? await resolve(record) else { continue }
            let id = resolved.config.digest.description
            var entry = byID[id] ?? CRIImage(
                id: id, repoTags: [], repoDigests: [],
                size: UInt64(resolved.layers.reduce(resolved.config.size) { $0 + $1.size }), resolved: resolved)
            if byID[id] == nil { order.append(id) }
            if let reference = try? Reference(parsing: record.name), record.name != id {
                if reference.digest != nil {
                    entry.repoDigests.append(record.name)
                } else {
                    entry.repoTags.append(record.name)
                    entry.repoDigests.append("\(reference.repository)@\(record.target.digest)")
                }
            }
            entry.repoTags = Array(Set(entry.repoTags)).sorted()
            entry.repoDigests = Array(Set(entry.repoDigests)).sorted()
            byID[id] = entry
        }
        return order.compactMap { byID[$0] }
    }

    /// The local image a CRI image spec names: a reference (normalized like `docker.io/library/
    /// busybox:latest`), an image ID (`sha256:…`) or a unique ID prefix.
    func localImage(_ name: String) async throws -> CRIImage? {
        let all = try await images()
        if let reference = try? Reference(parsing: name) {
            let text = reference.description
            if let found = all.first(where: { $0.repoTags.contains(text) || $0.repoDigests.contains(text) }) { return found }
        }
        let id = name.hasPrefix("sha256:") ? name : "sha256:" + name
        if let exact = all.first(where: { $0.id == id }) { return exact }
        guard name.count >= 4, name.allSatisfy({ $0.isHexDigit || $0 == ":" || $0.isLetter }) else { return nil }
        let matches = all.filter { $0.id.hasPrefix(id) }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Pulls `name` into namespace `k8s.io` and unpacks it to the CRI snapshotter; returns the image
    /// ID. A pull of the same name with the same credentials already running is joined.
    func pull(_ name: String, credentials: RegistryCredentials?) async throws -> String {
        let key = [name, credentials?.username ?? "", credentials?.password ?? ""].joined(separator: "\u{0}")
        let pull = pulls.withLock { pulls in
            if let running = pulls[key] { return running }
            let started = Task {
                defer { _ = self.pulls.withLock { $0.removeValue(forKey: key) } }
                return try await self.pullOnce(name, credentials: credentials)
            }
            pulls[key] = started
            return started
        }
        return try await pull.value
    }

    func pullOnce(_ name: String, credentials: RegistryCredentials?) async throws -> String {
        let reference: Reference
        do { reference = try Reference(parsing: name) } catch {
            throw CtrError.invalidArgument("pull image \"\(name)\": \(error.message)")
        }
        let hosts = config.registryConfigPath.isEmpty ? nil : RegistryHosts(directory: config.registryConfigPath)
        let registry = RegistryClient(credentials: credentials, hosts: hosts)
        let lease = "cri-pull-\(Timestamp.now.unixNanos)"
        _ = try metadata.createLease(namespace, Lease(id: lease, createdAt: .now, labels: [
            WellKnownLabels.gcExpire: RFC3339.format(Timestamp(seconds: Timestamp.now.seconds + 3600)),
        ]))
        defer { try? metadata.deleteLease(namespace, lease) }
        let store = LocalContent(service: content, namespace: namespace, lease: lease)
        let target: Descriptor
        do {
            target = try await ImagePull(registry: registry, store: store, platforms: PlatformMatcher()).run(reference)
        } catch {
            await registry.close()
            throw error
        }
        await registry.close()
        let unpack = ImageUnpack(
            content: store, labeler: store,
            snapshotter: LocalSnapshots(snapshotter: snapshotter, namespace: namespace, lease: lease),
            snapshotterName: config.containerd.snapshotter, differ: LocalDiffer(service: differ, namespace: namespace))
        try await unpack.run(reference.description, target: target)
        let resolved = try await ResolvedImage.resolve(reference.description, target: target, content: store,
                                                       platforms: PlatformMatcher())
        let id = resolved.config.digest.description
        var names = [reference.description, "\(reference.repository)@\(target.digest)"]
        if reference.digest != nil { names = [reference.description] }
        for imageName in names {
            try putImage(Image(name: imageName, target: target, labels: ["io.cri-containerd.image": "managed"]))
        }
        return id
    }

    func putImage(_ image: Image) throws(CtrError) {
        if (try? metadata.image(namespace, image.name)) != nil {
            _ = try metadata.updateImage(namespace, name: image.name, target: image.target, labels: image.labels,
                                         paths: ["target", "labels"])
            events.publish(namespace: namespace, topic: EventTopic.imageUpdate, event: Containerd_Services_Images_V1_ImageUpdate.with {
                $0.name = image.name
                $0.labels = image.labels
            })
        } else {
            _ = try metadata.createImage(namespace, image)
            events.publish(namespace: namespace, topic: EventTopic.imageCreate, event: Containerd_Services_Images_V1_ImageCreate.with {
                $0.name = image.name
                $0.labels = image.labels
            })
        }
    }

    /// Removes every name of the image; an absent image is not an error (CRI's RemoveImage is idempotent).
    func removeImage(_ name: String) async throws {
        guard let image = try await localImage(name) else { return }
        let inUse = store.withLock { store in store.containers.values.first { $0.status.imageID == image.id }?.id }
        if let inUse {
            throw CtrError.failedPrecondition("image \"\(name)\" is in use by container \"\(inUse)\"")
        }
        for record in try metadata.images(namespace) {
            guard let resolved = try? await resolve(record), resolved.config.digest.description == image.id else { continue }
            try metadata.deleteImage(namespace, record.name)
            events.publish(namespace: namespace, topic: EventTopic.imageDelete, event: Containerd_Services_Images_V1_ImageDelete.with {
                $0.name = record.name
            })
        }
        content.scheduleCollection()
    }

    /// Makes sure the image is present, pulling it when absent (the sandbox image).
    func ensureImage(_ name: String) async throws -> CRIImage {
        if let image = try await localImage(name) { return image }
        logger.info("pulling image", metadata: ["image": "\(name)"])
        _ = try await pull(name, credentials: nil)
        guard let image = try await localImage(name) else {
            throw CtrError.notFound("image \"\(name)\": not found after pull")
        }
        return image
    }
}
