import ServiceLifecycle
import Transport

/// Lets a call that would otherwise run for ever (a health watch, an event subscription) end
/// itself when the daemon begins to stop.
///
/// The daemon's transport runs each call in a task of its own, outside the service group's task
/// tree, where ServiceLifecycle's `gracefulShutdown()` cannot see the stop; the transport gives
/// each call its server's signal instead (`TransportShutdown`). Elsewhere (in-process tests)
/// ServiceLifecycle's is used.
enum ServerShutdown {
    /// Returns when the server begins to stop, or the task is cancelled.
    static func wait() async {
        if let signal = TransportShutdown.signal {
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
