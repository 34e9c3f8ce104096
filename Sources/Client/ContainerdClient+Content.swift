public import Core
import API
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf

extension ContainerdClient {
    private var content: Containerd_Services_Content_V1_Content.Client<HTTP2ClientTransport.Posix> {
        .init(wrapping: connection.grpc)
    }

    public func listContent(filters: [String] = []) async throws(CtrError) -> [ContentInfo] {
        let request = Containerd_Services_Content_V1_ListContentRequest.with { $0.filters = filters }
        let messages = try await call {
            try await content.list(request, metadata: metadata, options: connection.callOptions) { response in
                var all: [Containerd_Services_Content_V1_Info] = []
                for try await message in response.messages { all.append(contentsOf: message.info) }
                return all
            }
        }
        var infos: [ContentInfo] = []
        for message in messages { infos.append(try ContentInfo(message)) }
        return infos
    }

    public func contentInfo(_ digest: Digest) async throws(CtrError) -> ContentInfo {
        let response = try await call {
            try await content.info(.with { $0.digest = digest.description }, metadata: metadata,
                                   options: connection.callOptions)
        }
        return try ContentInfo(response.info)
    }

    /// Streams a blob's bytes to `body` as they arrive.
    public func readContent(_ digest: Digest, _ body: @escaping @Sendable ([UInt8]) async throws -> Void)
        async throws(CtrError)
    {
        let request = Containerd_Services_Content_V1_ReadContentRequest.with { $0.digest = digest.description }
        try await call {
            try await content.read(request, metadata: metadata, options: connection.callOptions) { response in
                for try await message in response.messages { try await body(Array(message.data)) }
            }
        }
    }

    /// A whole (small) blob, e.g. a manifest.
    public func readBlob(_ digest: Digest) async throws(CtrError) -> [UInt8] {
        let request = Containerd_Services_Content_V1_ReadContentRequest.with { $0.digest = digest.description }
        return try await call {
            try await content.read(request, metadata: metadata, options: connection.callOptions) { response in
                var bytes: [UInt8] = []
                for try await message in response.messages { bytes.append(contentsOf: message.data) }
                return bytes
            }
        }
    }

    public func deleteContent(_ digest: Digest) async throws(CtrError) {
        _ = try await call {
            try await content.delete(.with { $0.digest = digest.description }, metadata: metadata,
                                     options: connection.callOptions)
        }
    }

    public func updateContent(_ info: ContentInfo, paths: [String]) async throws(CtrError) -> ContentInfo {
        let request = Containerd_Services_Content_V1_UpdateRequest.with {
            $0.info = .init(info)
            $0.updateMask = Google_Protobuf_FieldMask(protoPaths: paths)
        }
        let response = try await call {
            try await content.update(request, metadata: metadata, options: connection.callOptions)
        }
        return try ContentInfo(response.info)
    }

    public func ingestStatuses(filters: [String] = []) async throws(CtrError) -> [IngestStatus] {
        let response = try await call {
            try await content.listStatuses(.with { $0.filters = filters }, metadata: metadata,
                                           options: connection.callOptions)
        }
        return response.statuses.map(IngestStatus.init)
    }
}
