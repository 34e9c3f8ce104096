import API
import Core
import GRPCCore
import SwiftProtobuf

/// `containerd.services.events.v1.Events` over the exchange.
struct EventsGRPC: Containerd_Services_Events_V1_Events.SimpleServiceProtocol {
    let exchange: EventExchange

    func publish(request: Containerd_Services_Events_V1_PublishRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        try Self.validate(topic: request.topic)
        exchange.forward(EventEnvelope(timestamp: .now, namespace: try RequestNamespace.current(),
                                       topic: request.topic, event: request.event))
        return Google_Protobuf_Empty()
    }

    func forward(request: Containerd_Services_Events_V1_ForwardRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        let envelope = request.envelope
        try Self.validate(topic: envelope.topic)
        try Identifier.validate(envelope.namespace, kind: "namespace")
        exchange.forward(EventEnvelope(timestamp: Timestamp(envelope.timestamp), namespace: envelope.namespace,
                                       topic: envelope.topic, event: envelope.event))
        return Google_Protobuf_Empty()
    }

    func subscribe(request: Containerd_Services_Events_V1_SubscribeRequest,
                   response: RPCWriter<Containerd_Services_Events_V1_Envelope>, context: ServerContext) async throws {
        let stream = try exchange.subscribe(filters: request.filters)
        // A subscription ends when the client goes away or the daemon begins to stop.
        try await ServerShutdown.cancelOnStop {
            for await envelope in stream {
                try await response.write(.with {
                    $0.timestamp = .init(envelope.timestamp)
                    $0.namespace = envelope.namespace
                    $0.topic = envelope.topic
                    $0.event = envelope.event
                })
            }
        }
    }

    /// Topics are absolute paths of identifier-like components, as containerd requires.
    static func validate(topic: String) throws(CtrError) {
        guard topic.hasPrefix("/"), topic.count > 1 else {
            throw .invalidArgument("event topic \"\(topic)\" must start with \"/\"")
        }
        for component in topic.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            try Identifier.validate(String(component), kind: "event topic component")
        }
    }
}

struct EventsGRPCPlugin: PluginInstance {
    let exchange: EventExchange
    var rpcServices: [any RegistrableRPCService] { [EventsGRPC(exchange: exchange)] }
    var serviceNames: [String] { [Containerd_Services_Events_V1_Events.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "events") { context in
        EventsGRPCPlugin(exchange: context.events)
    }
}
