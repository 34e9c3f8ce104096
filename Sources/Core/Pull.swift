/// Media types of manifests and indexes.
public enum MediaType {
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let dockerList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let manifests = [ociIndex, dockerList, ociManifest, dockerManifest]

    public static func isIndex(_ type: String) -> Bool { type == ociIndex || type == dockerList }
    public static func isManifest(_ type: String) -> Bool { type == ociManifest || type == dockerManifest }

    /// What a blob is, as containerd names it in ingest refs: index, manifest, config or layer.
    public static func kind(_ type: String) -> String {
        isIndex(type) ? "index" : isManifest(type) ? "manifest" : type.contains("config") ? "config" : "layer"
    }

    /// The ingest ref of a pulled blob: `<prefix><kind>-<digest>`, containerd's `layer-sha256:…`
    /// with a prefix naming the puller. Progress displays read the kind back from it.
    public static func ingestRef(_ prefix: String, _ descriptor: Descriptor) -> String {
        prefix + kind(descriptor.mediaType) + "-" + descriptor.digest.description
    }
}

/// A registry, as the pull needs it.
public protocol RemoteRegistry: Sendable {
    /// The descriptor and bytes of the manifest or index a reference names.
    func resolve(_ reference: Reference) async throws -> (Descriptor, [UInt8])
    /// A manifest or index by digest.
    func manifest(_ reference: Reference, _ descriptor: Descriptor) async throws -> [UInt8]
    /// Streams a blob's bytes to `body`.
    func blob(_ reference: Reference, _ descriptor: Descriptor, _ body: ([UInt8]) async throws -> Void) async throws
}

/// A content store, as the pull needs it (over gRPC or in process).
public protocol ContentIngester: Sendable {
    /// True when the store has the blob (and a pull's lease now holds it).
    func has(_ descriptor: Descriptor) async throws -> Bool
    /// Stores a blob whose bytes `produce` hands over, verified against the descriptor.
    func ingest(_ descriptor: Descriptor, labels: [String: String],
                _ produce: @escaping @Sendable (@escaping @Sendable ([UInt8]) async throws -> Void) async throws -> Void) async throws
    func read(_ descriptor: Descriptor) async throws -> [UInt8]
}

/// What happens during a pull, for progress displays.
public enum PullEvent: Sendable {
    case resolved(Descriptor)
    case present(Descriptor)
    case progress(Descriptor, bytes: Int64)
    case stored(Descriptor)
}

/// Which platforms' manifests to fetch from an index.
public struct PlatformMatcher: Sendable {
    public var platforms: [String]
    public var all: Bool

    public init(platforms: [String] = [], all: Bool = false) {
        self.platforms = platforms.isEmpty ? ["linux/amd64"] : platforms.map(PlatformMatcher.normalize)
        self.all = all
    }

    public func matches(os: String, architecture: String, variant: String) -> Bool {
        if all { return true }
        let name = PlatformMatcher.normalize("\(os)/\(architecture)")
        return platforms.contains { $0 == name || $0 == name + "/" + variant }
    }

    /// Whether an index entry (a descriptor with a `platform` object) is wanted.
    public func matches(_ entry: JSONValue) -> Bool {
        let platform = entry["platform"]
        func field(_ name: String) -> String {
            if case .string(let value)? = platform?[name] { return value }
            return ""
        }
        return matches(os: field("os"), architecture: field("architecture"), variant: field("variant"))
    }

    static func normalize(_ text: String) -> String {
        text.lowercased().replacingOccurrences("x86_64", "amd64").replacingOccurrences("aarch64", "arm64")
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: "/", omittingEmptySubsequences: false).map { $0 == target ? replacement : String($0) }
            .joined(separator: "/")
    }
}

/// Pull, written once against the protocols: resolve the reference, fetch the index or manifest
/// tree for the wanted platforms (children before parents, so a stored parent implies its
/// children), label parents with containerd's GC references to their children.
public struct ImagePull: Sendable {
    public let registry: any RemoteRegistry
    public let store: any ContentIngester
    public let platforms: PlatformMatcher
    public let concurrency: Int
    public let progress: @Sendable (PullEvent) -> Void

    public init(registry: any RemoteRegistry, store: any ContentIngester, platforms: PlatformMatcher,
                concurrency: Int = 3, progress: @escaping @Sendable (PullEvent) -> Void = { _ in }) {
        self.registry = registry
        self.store = store
        self.platforms = platforms
        self.concurrency = concurrency
        self.progress = progress
    }

    /// Fetches everything the reference needs and returns the image's target.
    public func run(_ reference: Reference) async throws -> Descriptor {
        let (root, bytes) = try await registry.resolve(reference)
        progress(.resolved(root))
        try await fetchManifest(reference, root, bytes: bytes)
        return root
    }

    private func fetchManifest(_ reference: Reference, _ descriptor: Descriptor, bytes known: [UInt8]?) async throws {
        let present = try await store.has(descriptor)
        let bytes: [UInt8]
        if present {
            bytes = try await store.read(descriptor)
        } else if let known {
            bytes = known
        } else {
            bytes = try await registry.manifest(reference, descriptor)
        }
        let document = try JSONValue.parse(String(decoding: bytes, as: UTF8.self))
        var labels = [DistributionSource.labelKey(reference): reference.path]
        if MediaType.isIndex(descriptor.mediaType) {
            var children: [Descriptor] = []
            if case .array(let manifests)? = document["manifests"] {
                for entry in manifests where platforms.matches(entry) {
                    children.append(try Self.descriptor(entry, in: reference))
                }
            }
            if children.isEmpty {
                throw CtrError.notFound("pull \(reference): no manifest for platform \(platforms.platforms.joined(separator: ", ")) in the index")
            }
            for (index, child) in children.enumerated() {
                try await fetchManifest(reference, child, bytes: nil)
                labels["containerd.io/gc.ref.content.m.\(index)"] = child.digest.description
            }
        } else if MediaType.isManifest(descriptor.mediaType) {
            guard let configEntry = document["config"] else {
                throw CtrError.invalidArgument("pull \(reference): manifest \(descriptor.digest) has no config")
            }
            let config = try Self.descriptor(configEntry, in: reference)
            var layers: [Descriptor] = []
            if case .array(let entries)? = document["layers"] {
                for entry in entries { layers.append(try Self.descriptor(entry, in: reference)) }
            }
            try await fetchBlobs(reference, [config] + layers)
            labels["containerd.io/gc.ref.content.config"] = config.digest.description
            for (index, layer) in layers.enumerated() {
                labels["containerd.io/gc.ref.content.l.\(index)"] = layer.digest.description
            }
        } else {
            throw CtrError.invalidArgument("pull \(reference): unsupported manifest media type \"\(descriptor.mediaType)\"")
        }
        if present {
            progress(.present(descriptor))
        } else {
            try await store.ingest(descriptor, labels: labels) { write in try await write(bytes) }
            progress(.stored(descriptor))
        }
    }

    private func fetchBlobs(_ reference: Reference, _ blobs: [Descriptor]) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func startNext() {
                guard next < blobs.count else { return }
                let blob = blobs[next]
                next += 1
                group.addTask { try await fetchBlob(reference, blob) }
            }
            for _ in 0..<max(1, concurrency) { startNext() }
            while try await group.next() != nil { startNext() }
        }
    }

    private func fetchBlob(_ reference: Reference, _ descriptor: Descriptor) async throws {
        if try await store.has(descriptor) {
            progress(.present(descriptor))
            return
        }
        let registry = self.registry
        let progress = self.progress
        let source = [DistributionSource.labelKey(reference): reference.path]
        try await store.ingest(descriptor, labels: source) { write in
            var total: Int64 = 0
            try await registry.blob(reference, descriptor) { chunk in
                try await write(chunk)
                total += Int64(chunk.count)
                progress(.progress(descriptor, bytes: total))
            }
        }
        progress(.stored(descriptor))
    }

    public static func descriptor(_ entry: JSONValue, in reference: Reference) throws(CtrError) -> Descriptor {
        try Descriptor(json: entry, context: "pull \(reference)")
    }
}
