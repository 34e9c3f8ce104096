public import Core
import API
import Synchronization
public import SwiftProtobuf
import FoundationEssentials

/// An event as it travels: when, in which namespace, on which topic, and the event itself.
public struct EventEnvelope: Sendable {
    public var timestamp: Timestamp
    public var namespace: String
    public var topic: String
    public var event: Google_Protobuf_Any
}

/// The daemon's event exchange (containerd's `events/exchange`): services publish, subscribers
/// (the Events service's Subscribe streams) receive what matches their filters. A subscriber that
/// falls more than `bufferLimit` events behind loses the oldest ones rather than slowing publishers.
public final class EventExchange: Sendable {
    private struct Subscriber: Sendable {
        var filters: [Filter]
        var continuation: AsyncStream<EventEnvelope>.Continuation
    }

    private let subscribers = Mutex<[Int: Subscriber]>([:])
    private let nextID = Atomic<Int>(0)
    let bufferLimit = 1024

    public init() {}

    /// Publishes `event` on `topic` (e.g. `/images/create`) in `namespace`.
    public func publish(namespace: String, topic: String, event: some SwiftProtobuf.Message) {
        guard let bytes: [UInt8] = try? event.serializedBytes() else { return }
        var any = Google_Protobuf_Any()
        // containerd's type URLs are the bare message names.
        any.typeURL = type(of: event).protoMessageName
        any.value = Data(bytes)
        forward(EventEnvelope(timestamp: .now, namespace: namespace, topic: topic, event: any))
    }

    /// Delivers an envelope as it is (the Forward RPC, and `publish`).
    public func forward(_ envelope: EventEnvelope) {
        let targets = subscribers.withLock { Array($0.values) }
        for subscriber in targets where Filter.any(subscriber.filters, { Self.field(envelope, $0) }) {
            subscriber.continuation.yield(envelope)
        }
    }

    /// A stream of the envelopes matching any of `filters` (fields: `namespace`, `topic`), until
    /// the consumer stops iterating.
    public func subscribe(filters: [String]) throws(CtrError) -> AsyncStream<EventEnvelope> {
        let parsed = try Filter.parseAll(filters)
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let (stream, continuation) = AsyncStream<EventEnvelope>.makeStream(bufferingPolicy: .bufferingNewest(bufferLimit))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = Subscriber(filters: parsed, continuation: continuation) }
        return stream
    }

    /// Ends every subscription (daemon shutdown).
    public func close() {
        let all = subscribers.withLock { table in
            defer { table.removeAll() }
            return Array(table.values)
        }
        for subscriber in all { subscriber.continuation.finish() }
    }

    static func field(_ envelope: EventEnvelope, _ path: [String]) -> String? {
        switch path.first {
        case "namespace": return envelope.namespace
        case "topic": return envelope.topic
        default: return nil
        }
    }
}

/// Topics of the events ctr publishes, as containerd names them.
public enum EventTopic {
    public static let imageCreate = "/images/create"
    public static let imageUpdate = "/images/update"
    public static let imageDelete = "/images/delete"
    public static let namespaceCreate = "/namespaces/create"
    public static let namespaceUpdate = "/namespaces/update"
    public static let namespaceDelete = "/namespaces/delete"
    public static let contentDelete = "/content/delete"
    public static let snapshotPrepare = "/snapshot/prepare"
    public static let snapshotCommit = "/snapshot/commit"
    public static let snapshotRemove = "/snapshot/remove"
    public static let containerCreate = "/containers/create"
    public static let containerUpdate = "/containers/update"
    public static let containerDelete = "/containers/delete"
    public static let taskCreate = "/tasks/create"
    public static let taskStart = "/tasks/start"
    public static let taskExit = "/tasks/exit"
    public static let taskDelete = "/tasks/delete"
    public static let taskExecAdded = "/tasks/exec-added"
    public static let taskExecStarted = "/tasks/exec-started"
    public static let taskPaused = "/tasks/paused"
    public static let taskResumed = "/tasks/resumed"
}
