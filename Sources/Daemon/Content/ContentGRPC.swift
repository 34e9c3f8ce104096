import API
import Core
import FoundationEssentials
import GRPCCore
import Store
import SwiftProtobuf

/// `containerd.services.content.v1.Content` over `ContentService`.
struct ContentGRPC: Containerd_Services_Content_V1_Content.SimpleServiceProtocol {
    let content: ContentService
    let events: EventExchange

    func info(request: Containerd_Services_Content_V1_InfoRequest, context: ServerContext) async throws
        -> Containerd_Services_Content_V1_InfoResponse
    {
        let info = try content.info(try RequestNamespace.current(), try Digest(parsing: request.digest))
        return .with { $0.info = .init(info) }
    }

    func update(request: Containerd_Services_Content_V1_UpdateRequest, context: ServerContext) async throws
        -> Containerd_Services_Content_V1_UpdateResponse
    {
        let info = try ContentInfo(request.info)
        let updated = try content.update(try RequestNamespace.current(), info, paths: request.updateMask.paths)
        return .with { $0.info = .init(updated) }
    }

    func list(request: Containerd_Services_Content_V1_ListContentRequest,
              response: RPCWriter<Containerd_Services_Content_V1_ListContentResponse>, context: ServerContext) async throws {
        let infos = try content.list(try RequestNamespace.current(), filters: request.filters)
        try await writeInBatches(infos) { batch in
            try await response.write(.with { $0.info = batch.map { .init($0) } })
        }
    }

    func delete(request: Containerd_Services_Content_V1_DeleteContentRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        let namespace = try RequestNamespace.current()
        try content.delete(namespace, try Digest(parsing: request.digest))
        events.publish(namespace: namespace, topic: EventTopic.contentDelete,
                       event: Containerd_Events_ContentDelete.with { $0.digest = request.digest })
        return Google_Protobuf_Empty()
    }

    func read(request: Containerd_Services_Content_V1_ReadContentRequest,
              response: RPCWriter<Containerd_Services_Content_V1_ReadContentResponse>, context: ServerContext) async throws {
        try await content.read(try RequestNamespace.current(), try Digest(parsing: request.digest),
                               offset: request.offset, size: request.size) { offset, bytes in
            try await response.write(.with {
                $0.offset = offset
                $0.data = Data(bytes)
            })
        }
    }

    func status(request: Containerd_Services_Content_V1_StatusRequest, context: ServerContext) async throws
        -> Containerd_Services_Content_V1_StatusResponse
    {
        let status = try content.status(try RequestNamespace.current(), ref: request.ref)
        return .with { $0.status = .init(status) }
    }

    func listStatuses(request: Containerd_Services_Content_V1_ListStatusesRequest, context: ServerContext) async throws
        -> Containerd_Services_Content_V1_ListStatusesResponse
    {
        let filters = try Filter.parseAll(request.filters)
        let statuses = content.statuses(try RequestNamespace.current()).filter { status in
            Filter.any(filters) { path in path == ["ref"] ? status.ref : nil }
        }
        return .with { $0.statuses = statuses.map { .init($0) } }
    }

    /// The ingest protocol: the first message names the ref; STAT reports progress, WRITE appends
    /// at the current offset (offset 0 restarts), COMMIT verifies and stores. Every request gets a
    /// response with the offset reached.
    func write(request: RPCAsyncSequence<Containerd_Services_Content_V1_WriteContentRequest, any Error>,
               response: RPCWriter<Containerd_Services_Content_V1_WriteContentResponse>,
               context: ServerContext) async throws {
        let namespace = try RequestNamespace.current()
        var writer: IngestWriter?
        for try await message in request {
            if writer == nil {
                let expected = message.expected.isEmpty ? nil : try Digest(parsing: message.expected)
                writer = try content.writer(namespace, ref: message.ref, total: message.total, expected: expected,
                                            lease: RequestLease.id)
            }
            guard let ingest = writer else { break }
            if !message.ref.isEmpty && message.ref != ingest.ref {
                throw CtrError.invalidArgument("write: ref changed from \(ingest.ref) to \(message.ref) within one stream")
            }
            if message.total > 0 { ingest.total = message.total }
            if !message.expected.isEmpty { ingest.expected = try Digest(parsing: message.expected) }

            var reply = Containerd_Services_Content_V1_WriteContentResponse.with { $0.action = message.action }
            switch message.action {
            case .stat:
                break
            case .write, .commit:
                if message.offset == 0 && ingest.offset > 0 && !message.data.isEmpty {
                    try ingest.truncate()
                } else if !message.data.isEmpty && message.offset != ingest.offset {
                    throw CtrError(.outOfRange, "write \(ingest.ref): offset \(message.offset) does not match \(ingest.offset)")
                }
                if !message.data.isEmpty { try ingest.write(message.data) }
                if message.action == .commit {
                    let expected = message.expected.isEmpty ? nil : try Digest(parsing: message.expected)
                    let digest = try content.commit(namespace, ingest, size: message.total, expected: expected,
                                                    labels: message.labels, lease: RequestLease.id)
                    reply.digest = digest.description
                }
            case .UNRECOGNIZED(let value):
                throw CtrError.invalidArgument("write \(ingest.ref): unknown action \(value)")
            }
            reply.offset = ingest.offset
            reply.total = ingest.total
            reply.startedAt = .init(ingest.startedAt)
            reply.updatedAt = .init(ingest.updatedAt)
            if reply.digest.isEmpty, message.action == .stat, let expected = ingest.expected {
                reply.digest = expected.description
            }
            try await response.write(reply)
            if message.action == .commit { break }
        }
    }

    func abort(request: Containerd_Services_Content_V1_AbortRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        try content.abort(try RequestNamespace.current(), ref: request.ref)
        return Google_Protobuf_Empty()
    }
}

/// `io.containerd.grpc.v1.content`.
struct ContentGRPCPlugin: PluginInstance {
    let content: ContentService
    let events: EventExchange
    var rpcServices: [any RegistrableRPCService] { [ContentGRPC(content: content, events: events)] }
    var serviceNames: [String] { [Containerd_Services_Content_V1_Content.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "content", requires: [ContentPlugin.type]) { context in
        ContentGRPCPlugin(content: try context.plugin(ContentPlugin.type, as: ContentPlugin.self).service,
                          events: context.events)
    }
}
