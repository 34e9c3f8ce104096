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
