public import Core
import API
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf

/// An event as a client sees it, with the event rendered as JSON when its type is known.
public struct EventRecord: Sendable {
    public var timestamp: Timestamp
    public var namespace: String
    public var topic: String
    public var typeURL: String
    public var json: String?
}

extension ContainerdClient {
    /// Subscribes to the daemon's events and hands each to `body` until the stream ends.
    public func subscribeEvents(filters: [String], _ body: @escaping @Sendable (EventRecord) async throws -> Void)
        async throws(CtrError)
    {
        let events = Containerd_Services_Events_V1_Events.Client(wrapping: connection.grpc)
        // No deadline: a subscription lasts until interrupted.
        var options = CallOptions.defaults
        options.timeout = nil
        let request = Containerd_Services_Events_V1_SubscribeRequest.with { $0.filters = filters }
        try await call {
            try await events.subscribe(request, metadata: metadata, options: options) { response in
                for try await envelope in response.messages {
                    try await body(EventRecord(
                        timestamp: Timestamp(envelope.timestamp), namespace: envelope.namespace,
                        topic: envelope.topic, typeURL: envelope.event.typeURL, json: EventTypes.json(envelope.event)))
                }
            }
        }
    }
}
