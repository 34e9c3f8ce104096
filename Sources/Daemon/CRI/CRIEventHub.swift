import API
import Core
import Synchronization

/// The live stream behind `GetContainerEvents`: every subscriber gets every container event
/// published after it subscribed; a subscriber that falls far behind loses the oldest ones.
final class CRIEventHub: Sendable {
    private let subscribers = Mutex<[Int: AsyncStream<Runtime_V1_ContainerEventResponse>.Continuation]>([:])
    private let nextID = Atomic<Int>(0)

    func subscribe() -> AsyncStream<Runtime_V1_ContainerEventResponse> {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let (stream, continuation) = AsyncStream<Runtime_V1_ContainerEventResponse>.makeStream(
            bufferingPolicy: .bufferingNewest(1024))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    var hasSubscribers: Bool { subscribers.withLock { !$0.isEmpty } }

    func publish(_ event: Runtime_V1_ContainerEventResponse) {
        for continuation in subscribers.withLock({ Array($0.values) }) {
            continuation.yield(event)
        }
    }

    func finish() {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.finish() }
    }
}
