import Synchronization

/// `operation`'s result, or nil once `seconds` pass first. Unlike a task group, it does not wait
/// for an operation that ignores cancellation (a blocking shim wait): that one finishes on its own
/// later, its result dropped.
func within<T: Sendable>(seconds: Int64, _ operation: @escaping @Sendable () async throws -> T) async throws -> T? {
    let outcome = FirstOutcome<T?>()
    return try await withCheckedThrowingContinuation { continuation in
        outcome.set(continuation)
        let timer = Task {
            try? await Task.sleep(for: .seconds(seconds))
            outcome.resume(with: .success(nil))
        }
        Task {
            do { outcome.resume(with: .success(try await operation())) } catch { outcome.resume(with: .failure(error)) }
            timer.cancel()  // no timer left sleeping out its whole period after the operation won
        }
    }
}

/// A continuation resumed by whichever outcome comes first.
final class FirstOutcome<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func set(_ value: CheckedContinuation<T, any Error>) {
        continuation.withLock { $0 = value }
    }

    func resume(with result: Result<T, any Error>) {
        continuation.withLock { $0.take() }?.resume(with: result)
    }
}
