/// A registry, as the push needs it.
public protocol RegistryUploader: Sendable {
    func hasBlob(_ reference: Reference, _ descriptor: Descriptor) async throws -> Bool
    /// Uploads a blob whose bytes `produce` hands over.
    func uploadBlob(_ reference: Reference, _ descriptor: Descriptor,
                    _ produce: @escaping @Sendable (@escaping @Sendable ([UInt8]) async throws -> Void) async throws -> Void)
        async throws
    /// Stores a manifest or index under `tag` (or its digest when nil).
    func putManifest(_ reference: Reference, tag: String?, _ descriptor: Descriptor, _ bytes: [UInt8]) async throws
    /// Asks the registry to mount a blob it already holds in `repository` into the reference's
    /// repository (a cross-repository mount); false when it would not.
    func mountBlob(_ reference: Reference, _ descriptor: Descriptor, from repository: String) async throws -> Bool
}

extension RegistryUploader {
    public func mountBlob(_ reference: Reference, _ descriptor: Descriptor, from repository: String) async throws -> Bool {
        false
    }
}

/// Local content, as the push reads it.
public protocol ContentReader: Sendable {
    func read(_ descriptor: Descriptor) async throws -> [UInt8]
    func stream(_ descriptor: Descriptor, _ body: @escaping @Sendable ([UInt8]) async throws -> Void) async throws
    /// The blob's labels (its distribution sources among them).
    func labels(_ descriptor: Descriptor) async throws -> [String: String]
}

extension ContentReader {
    public func labels(_ descriptor: Descriptor) async throws -> [String: String] { [:] }
}

/// containerd's record of where a blob came from: the label
/// `containerd.io/distribution.source.<registry host>` holds the repositories (comma-separated)
/// a pull fetched it from, so a push to another repository there can mount it instead of
/// uploading it.
public enum DistributionSource {
    public static func labelKey(_ reference: Reference) -> String {
        "containerd.io/distribution.source." + reference.domain
    }

    /// The repositories of `labels` on the reference's registry, other than its own.
    public static func repositories(_ labels: [String: String], for reference: Reference) -> [String] {
        guard let value = labels[labelKey(reference)] else { return [] }
        return value.split(separator: ",").map(String.init).filter { !$0.isEmpty && $0 != reference.path }
    }
}

/// What happens during a push, for progress displays.
public enum PushEvent: Sendable {
    case exists(Descriptor)
    /// Mounted from another repository of the same registry, not uploaded.
    case mounted(Descriptor)
    case uploaded(Descriptor)
    case manifest(Descriptor)
}

/// Push, written once against the protocols: blobs first (skipping what the registry has), then
/// manifests, then the index, the root under the reference's tag.
public struct ImagePush: Sendable {
    public let registry: any RegistryUploader
    public let content: any ContentReader
    public let progress: @Sendable (PushEvent) -> Void

    public init(registry: any RegistryUploader, content: any ContentReader,
                progress: @escaping @Sendable (PushEvent) -> Void = { _ in }) {
        self.registry = registry
        self.content = content
        self.progress = progress
    }

    public func run(_ target: Descriptor, to reference: Reference) async throws {
        try await push(target, to: reference, tag: reference.tag)
    }

    private func push(_ descriptor: Descriptor, to reference: Reference, tag: String?) async throws {
        let bytes = try await content.read(descriptor)
        let document = try JSONValue.parse(String(decoding: bytes, as: UTF8.self))
        if MediaType.isIndex(descriptor.mediaType) {
            if case .array(let manifests)? = document["manifests"] {
                for entry in manifests {
                    try await push(try ImagePull.descriptor(entry, in: reference), to: reference, tag: nil)
                }
            }
        } else if MediaType.isManifest(descriptor.mediaType) {
            var blobs: [Descriptor] = []
            if let config = document["config"] { blobs.append(try ImagePull.descriptor(config, in: reference)) }
            if case .array(let layers)? = document["layers"] {
                for layer in layers { blobs.append(try ImagePull.descriptor(layer, in: reference)) }
            }
            for blob in blobs {
                if try await registry.hasBlob(reference, blob) {
                    progress(.exists(blob))
                    continue
                }
                if try await mount(blob, to: reference) {
                    progress(.mounted(blob))
                    continue
                }
                let content = self.content
                try await registry.uploadBlob(reference, blob) { write in try await content.stream(blob, write) }
                progress(.uploaded(blob))
            }
        } else {
            throw CtrError.invalidArgument("push \(reference): unsupported manifest media type \"\(descriptor.mediaType)\"")
        }
        try await registry.putManifest(reference, tag: tag, descriptor, bytes)
        progress(.manifest(descriptor))
    }

    /// Tries the repositories the blob was pulled from on the same registry.
    private func mount(_ blob: Descriptor, to reference: Reference) async throws -> Bool {
        let sources = DistributionSource.repositories(try await content.labels(blob), for: reference)
        for source in sources where try await registry.mountBlob(reference, blob, from: source) {
            return true
        }
        return false
    }
}
