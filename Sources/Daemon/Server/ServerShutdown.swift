import ServiceLifecycle
import Synchronization

/// Lets a call that would otherwise run for ever (a health watch, an event subscription) end
/// itself when the daemon begins to stop.
///
/// The daemon's transport runs each call in a task of its own, outside the service group's task
/// tree, where ServiceLifecycle's `gracefulShutdown()` cannot see the stop; the transport gives
/// each call its server's signal instead. Elsewhere (in-process tests) ServiceLifecycle's is used.
enum ServerShutdown {
    @TaskLocal static var signal: ShutdownSignal?

    /// Returns when the server begins to stop, or the task is cancelled.
    static func wait() async {
        if let signal {
            await signal.wait()
        } else {
            try? await gracefulShutdown()
        }
    }

    /// Runs `body` until it returns, or until the server begins to stop: then `body` is cancelled
    /// and this returns normally.
    static func cancelOnStop(_ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await body() }
            group.addTask { await wait() }
            try await group.next()
            group.cancelAll()
        }
    }
}

/// A one-way "the server is stopping" flag that tasks can wait for.
final class ShutdownSignal: Sendable {
    private struct State {
        var begun = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    func begin() {
        let waiters = state.withLock { state in
            state.begun = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
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
