import API
import Core
import FoundationEssentials
import GRPCCore
import Registry

/// `runtime.v1.ImageService` over the in-process content store, snapshotter and differ
/// (namespace `k8s.io`). StreamImages sends ListImages' answer in pages.
struct CRIImagesGRPC: RegistrableRPCService {
    let service: CRIService

    /// The images a ListImages filter selects.
    @Sendable func images(_ filter: Runtime_V1_ImageFilter) async throws -> [Runtime_V1_Image] {
        var images = try await service.images()
        let wanted = filter.image.image
        if !wanted.isEmpty {
            let match = try await service.localImage(wanted)
            images = images.filter { $0.id == match?.id }
        }
        return images.map(Self.image)
    }

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        typealias Method = Runtime_V1_ImageService.Method
        router.unary(Method.ListImages.descriptor) { (request: Runtime_V1_ListImagesRequest, _) in
            let images = try await images(request.filter)
            return Runtime_V1_ListImagesResponse.with { $0.images = images }
        }
        router.pages(Method.StreamImages.descriptor) { (request: Runtime_V1_StreamImagesRequest) in
            try await images(request.filter)
        } page: { (items: ArraySlice<Runtime_V1_Image>) in
            Runtime_V1_StreamImagesResponse.with { $0.images = Array(items) }
        }
        router.unary(Method.ImageStatus.descriptor) { (request: Runtime_V1_ImageStatusRequest, _) in
            guard let image = try await service.localImage(request.image.image) else {
                return Runtime_V1_ImageStatusResponse()
            }
            return Runtime_V1_ImageStatusResponse.with {
                $0.image = Self.image(image)
                if request.verbose {
                    $0.info["info"] = JSONValue.object([
                        ("imageSpec", image.resolved.configDocument),
                        ("chainID", .string(image.resolved.chainID.description)),
                    ]).serialized()
                }
            }
        }
        router.unary(Method.PullImage.descriptor) { (request: Runtime_V1_PullImageRequest, _) in
            let id = try await service.pull(request.image.image, credentials: try Self.credentials(request.auth))
            return Runtime_V1_PullImageResponse.with { $0.imageRef = id }
        }
        router.unary(Method.RemoveImage.descriptor) { (request: Runtime_V1_RemoveImageRequest, _) in
            try await service.removeImage(request.image.image)
            return Runtime_V1_RemoveImageResponse()
        }
        router.unary(Method.ImageFsInfo.descriptor) { (_: Runtime_V1_ImageFsInfoRequest, _) in
            let usage = service.recentImageFilesystemUsage()
            return Runtime_V1_ImageFsInfoResponse.with {
                $0.imageFilesystems = [.with {
                    $0.timestamp = Timestamp.now.unixNanos
                    $0.fsID.mountpoint = service.snapshotter.root
                    $0.usedBytes = .with { $0.value = usage.bytes }
                    $0.inodesUsed = .with { $0.value = usage.inodes }
                }]
            }
        }
    }

    static func image(_ image: CRIImage) -> Runtime_V1_Image {
        .with {
            $0.id = image.id
            $0.repoTags = image.repoTags
            $0.repoDigests = image.repoDigests
            $0.size = image.size
            $0.spec.image = image.id
            if case .string(let user)? = image.resolved.runConfig?["User"], !user.isEmpty {
                let name = String(user.split(separator: ":").first ?? "")
                if let uid = Int64(name) {
                    $0.uid = .with { $0.value = uid }
                } else {
                    $0.username = name
                }
            }
        }
    }

    /// Registry credentials from a CRI auth config: user and password, or `auth` (base64 of
    /// `user:password`).
    static func credentials(_ auth: Runtime_V1_AuthConfig) throws(CtrError) -> RegistryCredentials? {
        if !auth.username.isEmpty { return RegistryCredentials(username: auth.username, password: auth.password) }
        guard !auth.auth.isEmpty else { return nil }
        guard let data = Data(base64Encoded: auth.auth), let text = String(data: data, encoding: .utf8),
              let colon = text.firstIndex(of: ":")
        else { throw .invalidArgument("pull image: auth is not base64 of user:password") }
        return RegistryCredentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
    }
}

/// ImageFsInfo's last answer. Summing it walks every container's writable layer: 35 ms with 300
/// containers here, and a kubelet asks every 10 s. containerd 1.6 answers from a sum its snapshot
/// syncer refreshes every 10 s; ours is refreshed on demand instead, so that an idle node does
/// no work: an answer under `fresh` old is given as it is; one under `stale` old is given while a
/// refresh runs in the background (a kubelet polling every 10 s gets it at once, at most one
/// period older than containerd's); an older one, or none, is computed first.
struct ImageFilesystemUsage: Sendable {
    static let fresh = Duration.seconds(10)
    static let stale = Duration.seconds(60)

    var bytes: UInt64 = 0
    var inodes: UInt64 = 0
    var computedAt: ContinuousClock.Instant?
    var refreshing = false

    enum Plan: Equatable {
        case answer(bytes: UInt64, inodes: UInt64)
        case answerAndRefresh(bytes: UInt64, inodes: UInt64)
        case compute
    }

    /// What a call at `now` does; marks the refresh it starts.
    mutating func plan(at now: ContinuousClock.Instant) -> Plan {
        guard let computedAt, now - computedAt < Self.stale else { return .compute }
        if now - computedAt < Self.fresh || refreshing { return .answer(bytes: bytes, inodes: inodes) }
        refreshing = true
        return .answerAndRefresh(bytes: bytes, inodes: inodes)
    }

    mutating func record(bytes: UInt64, inodes: UInt64, at now: ContinuousClock.Instant) {
        self.bytes = bytes
        self.inodes = inodes
        computedAt = now
        refreshing = false
    }
}

extension CRIService {
    /// `imageFilesystemUsage`, at most `ImageFilesystemUsage.stale` old (see there).
    func recentImageFilesystemUsage() -> (bytes: UInt64, inodes: UInt64) {
        switch imageFilesystem.withLock({ $0.plan(at: .now) }) {
        case .answer(let bytes, let inodes):
            return (bytes, inodes)
        case .answerAndRefresh(let bytes, let inodes):
            Task.detached { _ = self.refreshImageFilesystemUsage() }
            return (bytes, inodes)
        case .compute:
            return refreshImageFilesystemUsage()
        }
    }

    /// Sums the usage and keeps it, dated from when the sum began.
    private func refreshImageFilesystemUsage() -> (bytes: UInt64, inodes: UInt64) {
        let started = ContinuousClock.now
        let usage = imageFilesystemUsage()
        imageFilesystem.withLock { $0.record(bytes: usage.bytes, inodes: usage.inodes, at: started) }
        return usage
    }

    /// Bytes and inodes of every snapshot the snapshotter holds in the namespace.
    func imageFilesystemUsage() -> (bytes: UInt64, inodes: UInt64) {
        var bytes: Int64 = 0
        var inodes: Int64 = 0
        for info in (try? snapshotter.list(namespace)) ?? [] {
            guard let usage = try? snapshotter.usage(namespace, key: info.name) else { continue }
            bytes += usage.size
            inodes += usage.inodes
        }
        return (UInt64(max(0, bytes)), UInt64(max(0, inodes)))
    }
}
