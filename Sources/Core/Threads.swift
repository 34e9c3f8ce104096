import Glibc

/// Blocking work (a wait on a socket, a read from a FIFO) on a thread of its own, so it never
/// occupies one of the few threads of Swift's cooperative pool or Dispatch's global queues.
public enum BlockingThread {
    private final class Box: @unchecked Sendable {
        // @unchecked: handed to exactly one new thread, which takes it over.
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `body` on a new detached thread.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, 256 * 1024)
        let result = pthread_create(&thread, &attributes, { pointer in
            guard let pointer else { return nil }
            let box = Unmanaged<Box>.fromOpaque(pointer).takeRetainedValue()
            box.body()
            return nil
        }, box)
        pthread_attr_destroy(&attributes)
        if result != 0 {
            // No thread: run it here rather than lose it.
            Unmanaged<Box>.fromOpaque(box).takeRetainedValue().body()
        }
    }

    /// Runs `body` on a new thread and returns its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            start {
                do {
                    continuation.resume(returning: try body())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
