public import Core
import API
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf
import FoundationEssentials

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

    /// Writes a blob under `ref` from the chunks `produce` hands over (starting afresh at offset
    /// 0), then commits it; the daemon checks `size` and `expected` when given. Returns the
    /// committed digest.
    public func writeContent(ref: String, size: Int64, expected: Digest?, labels: [String: String] = [:],
                             _ produce: @escaping @Sendable (@escaping @Sendable ([UInt8]) async throws -> Void) async throws -> Void)
        async throws(CtrError) -> Digest
    {
        let committed: String = try await call {
            try await content.write(metadata: metadata, options: connection.callOptions) { writer in
                let batch = WriteBatch()
                try await produce { bytes in
                    guard let (data, start) = batch.add(bytes) else { return }
                    try await writer.write(.with {
                        $0.action = .write
                        $0.ref = ref
                        $0.total = size
                        $0.expected = expected?.description ?? ""
                        $0.offset = start
                        $0.data = data
                    })
                }
                let (rest, start) = batch.take()
                try await writer.write(.with {
                    $0.action = .commit
                    $0.ref = ref
                    $0.total = size > 0 ? size : batch.offset
                    $0.expected = expected?.description ?? ""
                    $0.offset = start
                    $0.data = rest
                    $0.labels = labels
                })
            } onResponse: { response in
                var digest = ""
                for try await message in response.messages where message.action == .commit { digest = message.digest }
                return digest
            }
        }
        return try Digest(parsing: committed)
    }

    /// Abandons the ingest `ref` and its partial data.
    public func abortContentWrite(ref: String) async throws(CtrError) {
        _ = try await call {
            try await content.abort(.with { $0.ref = ref }, metadata: metadata, options: connection.callOptions)
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

/// Gathers a blob's chunks (often 16–64 KiB from an HTTP body) into Write messages of about
/// 128 KiB: a fraction of the messages, frames and daemon-side writes per blob. The daemon may
/// hold a few messages per stream before writing them, so they stay small (256 KiB messages made
/// its memory grow by up to 17 MB during a pull, 128 KiB by up to 10 MB, at the same speed).
final class WriteBatch: @unchecked Sendable {
    // @unchecked: used by the single request-producing task of one stream, sequentially.
    static let messageSize = 128 << 10
    /// Bytes handed out in messages so far: the offset of the next message's data.
    private(set) var offset: Int64 = 0
    private var pending = Data(capacity: WriteBatch.messageSize)

    /// Adds bytes; returns the next message's data and offset once a message's worth has gathered.
    func add(_ bytes: [UInt8]) -> (data: Data, offset: Int64)? {
        pending.append(contentsOf: bytes)
        return pending.count >= Self.messageSize ? take() : nil
    }

    /// What is left (possibly nothing), for the COMMIT message.
    func take() -> (data: Data, offset: Int64) {
        let data = pending
        pending = Data(capacity: Self.messageSize)
        let start = offset
        offset += Int64(data.count)
        return (data, start)
    }
}
