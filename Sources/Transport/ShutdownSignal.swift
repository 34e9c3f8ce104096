import Synchronization

/// The signal of the server a call runs under: the transport sets it for each call's task, so that
/// a call that would otherwise run for ever (a watch, a subscription) can end itself when the
/// server begins to stop.
public enum TransportShutdown {
    @TaskLocal public static var signal: ShutdownSignal?
}

/// A one-way "the server is stopping" flag that tasks can wait for.
public final class ShutdownSignal: Sendable {
    private struct State {
        var begun = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    public func begin() {
        let waiters = state.withLock { state in
            state.begun = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    public func wait() async {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
                let done = state.withLock { state in
                    if state.begun || Task.isCancelled { return true }
                    state.waiters[id] = waiter
                    return false
                }
                if done { waiter.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
