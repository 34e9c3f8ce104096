public import Core
import API
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf

extension ContainerdClient {
    private var images: Containerd_Services_Images_V1_Images.Client<HTTP2ClientTransport.Posix> {
        .init(wrapping: connection.grpc)
    }

    public func listImages(filters: [String] = []) async throws(CtrError) -> [Image] {
        let response = try await call {
            try await images.list(.with { $0.filters = filters }, metadata: metadata, options: connection.callOptions)
        }
        var result: [Image] = []
        for message in response.images { result.append(try Image(message)) }
        return result
    }

    public func getImage(_ name: String) async throws(CtrError) -> Image {
        let response = try await call {
            try await images.get(.with { $0.name = name }, metadata: metadata, options: connection.callOptions)
        }
        return try Image(response.image)
    }

    /// `getImage` for commands that take an image name: when it is missing here but present in
    /// other namespaces (CRI pulls into `k8s.io`, `ctr` defaults to `default`), the error says
    /// where and how to reach it.
    public func getImageOrHint(_ name: String) async throws(CtrError) -> Image {
        let missing: CtrError
        do {
            return try await getImage(name)
        } catch {
            guard error.code == .notFound else { throw error }
            missing = error
        }
        var holders: [String] = []
        for other in (try? await listNamespaces()) ?? [] where other.name != namespace {
            if (try? await ContainerdClient(connection: connection, namespace: other.name).getImage(name)) != nil {
                holders.append(other.name)
            }
        }
        guard let first = holders.first else { throw missing }
        let names = holders.map { "\"\($0)\"" }.joined(separator: ", ")
        throw .notFound("\(missing.message) in namespace \"\(namespace)\"; namespace \(names) has it (use -n \(first))")
    }

    @discardableResult
    public func createImage(_ image: Image) async throws(CtrError) -> Image {
        let response = try await call {
            try await images.create(.with { $0.image = .init(image) }, metadata: metadata,
                                    options: connection.callOptions)
        }
        return try Image(response.image)
    }

    @discardableResult
    public func updateImage(_ image: Image, paths: [String]) async throws(CtrError) -> Image {
        let request = Containerd_Services_Images_V1_UpdateImageRequest.with {
            $0.image = .init(image)
            $0.updateMask = Google_Protobuf_FieldMask(protoPaths: paths)
        }
        let response = try await call {
            try await images.update(request, metadata: metadata, options: connection.callOptions)
        }
        return try Image(response.image)
    }

    public func deleteImage(_ name: String, sync: Bool = false) async throws(CtrError) {
        _ = try await call {
            try await images.delete(.with { $0.name = name; $0.sync = sync }, metadata: metadata,
                                    options: connection.callOptions)
        }
    }
}

extension ContainerdClient {
    private var leases: Containerd_Services_Leases_V1_Leases.Client<HTTP2ClientTransport.Posix> {
        .init(wrapping: connection.grpc)
    }

    public func listLeases(filters: [String] = []) async throws(CtrError) -> [Lease] {
        let response = try await call {
            try await leases.list(.with { $0.filters = filters }, metadata: metadata, options: connection.callOptions)
        }
        return response.leases.map(Lease.init)
    }

    public func createLease(id: String, labels: [String: String]) async throws(CtrError) -> Lease {
        let response = try await call {
            try await leases.create(.with { $0.id = id; $0.labels = labels }, metadata: metadata,
                                    options: connection.callOptions)
        }
        return Lease(response.lease)
    }

    public func addLeaseResource(_ lease: String, id: String, type: String) async throws(CtrError) {
        let request = Containerd_Services_Leases_V1_AddResourceRequest.with {
            $0.id = lease
            $0.resource = .with { $0.id = id; $0.type = type }
        }
        _ = try await call {
            try await leases.addResource(request, metadata: metadata, options: connection.callOptions)
        }
    }

    public func deleteLease(_ id: String) async throws(CtrError) {
        _ = try await call {
            try await leases.delete(.with { $0.id = id }, metadata: metadata, options: connection.callOptions)
        }
    }
}

extension ContainerdClient {
    /// Creates the image, or points an existing image of that name at the new target.
    public func putImage(_ image: Image) async throws(CtrError) {
        if (try? await getImage(image.name)) != nil {
            try await updateImage(image, paths: ["target"])
        } else {
            try await createImage(image)
        }
    }

    /// Runs `body` with a client whose writes a new lease holds (so garbage collection leaves
    /// them alone until they are referenced), and deletes the lease afterwards, whatever happens.
    /// The lease expires after an hour should the process die first.
    public func withTemporaryLease<T: Sendable>(prefix: String, _ body: (ContainerdClient) async throws -> T)
        async throws -> T
    {
        let expire = Timestamp(seconds: Timestamp.now.seconds + 3600)
        let lease = try await createLease(
            id: prefix + String(Timestamp.now.unixNanos, radix: 36),
            labels: [WellKnownLabels.gcExpire: RFC3339.format(expire)])
        do {
            let result = try await body(withLease(lease.id))
            try? await deleteLease(lease.id)
            return result
        } catch {
            try? await deleteLease(lease.id)
            throw error
        }
    }
}
