import GRPCCore
import NIOCore
import NIOHTTP2
import Synchronization

/// One RPC, shared by the connection's event loop, which feeds its request in and writes its
/// response out, and the task that runs its handler.
///
/// Both directions are bounded: the event loop stops granting the client flow-control window
/// while more than `queueLimit` bytes of requests wait for the handler, and a handler that writes
/// faster than the socket drains waits once `queueLimit` bytes are pending.
final class ServerStream: Sendable {
    typealias RequestPart = RPCRequestPart<WireBytes>
    typealias ResponsePart = RPCResponsePart<WireBytes>

    /// A stream then buffers at most this much plus the 4 MiB window its client may still fill:
    /// a pull writes several layers at once, each in a stream of its own.
    static let queueLimit = 1 << 20

    /// Calls the connection back on its event loop: the stream has responses to write, or has
    /// drained its request queue and may grant window again.
    struct Connection: Sendable {
        let eventLoop: any EventLoop
        let drain: @Sendable (ServerStream) -> Void
        let grantWindow: @Sendable (ServerStream) -> Void
    }

    let id: HTTP2StreamID
    private let connection: Connection
    private let state = Mutex(State())

    private struct State {
        var requests = CircularBuffer<RequestPart>()
        var requestsEnd: Result<Void, any Error>?
        var reader: CheckedContinuation<RequestPart?, any Error>?
        var queuedBytes = 0
        var windowHeld = false

        var responses: [ResponsePart] = []
        var drainScheduled = false
        var pendingBytes = 0
        var writer: CheckedContinuation<Void, any Error>?
        var statusQueued = false
        /// Why the stream is gone (reset by the client, connection closed): writes fail with it.
        var failure: (any Error)?

        var cancellation: ServerContext.RPCCancellationHandle?
        var task: Task<Void, Never>?
    }

    init(id: HTTP2StreamID, connection: Connection) {
        self.id = id
        self.connection = connection
    }

    // MARK: Requests (event loop side)

    /// Hands a request part to the handler waiting for one, or queues it; dropped once the
    /// request side has ended (the stream was reset).
    func receive(_ part: RequestPart) {
        let reader = state.withLock { state -> CheckedContinuation<RequestPart?, any Error>? in
            guard state.requestsEnd == nil else { return nil }
            if let reader = state.reader {
                state.reader = nil
                return reader
            }
            state.requests.append(part)
            if case .message(let bytes) = part { state.queuedBytes += bytes.count }
            return nil
        }
        reader?.resume(returning: part)
    }

    /// Ends the request side: normally (`.success`) or with the error the handler sees next.
    func finishRequests(_ end: Result<Void, any Error>) {
        let reader = state.withLock { state -> CheckedContinuation<RequestPart?, any Error>? in
            guard state.requestsEnd == nil else { return nil }
            state.requestsEnd = end
            guard state.requests.isEmpty else { return nil }
            defer { state.reader = nil }
            return state.reader
        }
        reader?.resume(with: end.map { nil })
    }

    /// True (and remembered) when the handler has fallen behind: the event loop then holds the
    /// client's window until `grantWindow` is called.
    func holdWindowIfBehind() -> Bool {
        state.withLock { state in
            if state.queuedBytes >= ServerStream.queueLimit { state.windowHeld = true }
            return state.windowHeld
        }
    }

    // MARK: Requests (handler side)

    private enum Poll {
        case part(RequestPart, grantWindow: Bool)
        case end(Result<Void, any Error>)
        case wait
    }

    private static func poll(_ state: inout State) -> Poll {
        if let part = state.requests.popFirst() {
            if case .message(let bytes) = part { state.queuedBytes -= bytes.count }
            let grant = state.windowHeld && state.queuedBytes < ServerStream.queueLimit / 2
            if grant { state.windowHeld = false }
            return .part(part, grantWindow: grant)
        }
        if let end = state.requestsEnd { return .end(end) }
        return .wait
    }

    func nextRequest() async throws -> RequestPart? {
        switch state.withLock({ ServerStream.poll(&$0) }) {
        case .part(let part, let grant):
            if grant { connection.eventLoop.execute { self.connection.grantWindow(self) } }
            return part
        case .end(let end):
            try end.get()
            return nil
        case .wait:
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (reader: CheckedContinuation<RequestPart?, any Error>) in
                    let poll = state.withLock { state -> Poll in
                        let poll = ServerStream.poll(&state)
                        if case .wait = poll {
                            if Task.isCancelled { return .end(.failure(CancellationError())) }
                            state.reader = reader
                        }
                        return poll
                    }
                    switch poll {
                    case .part(let part, let grant):
                        if grant { connection.eventLoop.execute { self.connection.grantWindow(self) } }
                        reader.resume(returning: part)
                    case .end(let end): reader.resume(with: end.map { nil })
                    case .wait: break
                    }
                }
            } onCancel: {
                let reader = state.withLock { state in
                    defer { state.reader = nil }
                    return state.reader
                }
                reader?.resume(throwing: CancellationError())
            }
        }
    }

    // MARK: Responses (handler side)

    func write(_ part: ResponsePart) async throws {
        enum Action { case fail(any Error), queued(schedule: Bool, wait: Bool) }
        let action = state.withLock { state -> Action in
            if let failure = state.failure { return .fail(failure) }
            if state.statusQueued {
                return .fail(RPCError(code: .internalError, message: "response written after its status"))
            }
            switch part {
            case .message(let bytes): state.pendingBytes += bytes.count
            case .status: state.statusQueued = true
            case .metadata: break
            }
            state.responses.append(part)
            let schedule = !state.drainScheduled
            state.drainScheduled = true
            return .queued(schedule: schedule, wait: state.pendingBytes > ServerStream.queueLimit)
        }
        switch action {
        case .fail(let error):
            throw error
        case .queued(let schedule, let wait):
            if schedule { connection.eventLoop.execute { self.connection.drain(self) } }
            if wait {
                try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { (writer: CheckedContinuation<Void, any Error>) in
                        let ready: Result<Void, any Error>? = state.withLock { state in
                            if let failure = state.failure { return .failure(failure) }
                            if state.pendingBytes <= ServerStream.queueLimit / 2 { return .success(()) }
                            if Task.isCancelled { return .failure(CancellationError()) }
                            state.writer = writer
                            return nil
                        }
                        if let ready { writer.resume(with: ready) }
                    }
                } onCancel: {
                    let writer = state.withLock { state in
                        defer { state.writer = nil }
                        return state.writer
                    }
                    writer?.resume(throwing: CancellationError())
                }
            }
        }
    }

    /// Ends the response; a handler that ends without a status (it failed or was cancelled)
    /// answers with one made from `error`.
    func finishResponses(_ error: (any Error)?) async {
        let missing = state.withLock { state in !state.statusQueued && state.failure == nil }
        guard missing else { return }
        let status: Status
        if let error = error as? RPCError {
            status = Status(code: Status.Code(error.code), message: error.message)
        } else if error is CancellationError {
            status = Status(code: .cancelled, message: "the call was cancelled")
        } else {
            status = Status(code: .unknown, message: error.map { "\($0)" } ?? "the handler sent no status")
        }
        try? await write(.status(status, [:]))
    }

    // MARK: Responses (event loop side)

    /// Takes the queued responses for writing.
    func takeResponses() -> [ResponsePart] {
        state.withLock { state in
            state.drainScheduled = false
            defer { state.responses = [] }
            return state.responses
        }
    }

    /// `bytes` of message left the process (or were dropped with the stream).
    func written(_ bytes: Int) {
        let writer = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            state.pendingBytes -= bytes
            guard state.pendingBytes <= ServerStream.queueLimit / 2 else { return nil }
            defer { state.writer = nil }
            return state.writer
        }
        writer?.resume()
    }

    // MARK: Lifetime

    /// Attaches the handler's task and cancellation handle; a stream already reset cancels them.
    func attach(task: Task<Void, Never>? = nil, cancellation: ServerContext.RPCCancellationHandle? = nil) {
        let reset = state.withLock { state in
            if let task { state.task = task }
            if let cancellation { state.cancellation = cancellation }
            return state.failure != nil
        }
        if reset {
            task?.cancel()
            cancellation?.cancel()
        }
    }

    /// The client reset the stream or the connection is gone: the handler is cancelled, its
    /// reads and writes fail with `error`.
    func reset(_ error: any Error) {
        let (reader, writer, task, cancellation) = state.withLock { state in
            if state.failure == nil { state.failure = error }
            if state.requestsEnd == nil { state.requestsEnd = .failure(error) }
            defer {
                state.reader = nil
                state.writer = nil
            }
            return (state.reader, state.writer, state.task, state.cancellation)
        }
        reader?.resume(throwing: error)
        writer?.resume(throwing: error)
        cancellation?.cancel()
        task?.cancel()
    }
}

/// The handler's view of the request stream.
struct ServerRequestParts: AsyncSequence, Sendable {
    typealias Element = RPCRequestPart<WireBytes>
    let stream: ServerStream

    struct AsyncIterator: AsyncIteratorProtocol {
        let stream: ServerStream
        mutating func next() async throws -> Element? { try await stream.nextRequest() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: stream) }
}

/// The handler's view of the response stream.
struct ServerResponseWriter: ClosableRPCWriterProtocol {
    typealias Element = RPCResponsePart<WireBytes>
    let stream: ServerStream

    func write(_ element: Element) async throws { try await stream.write(element) }

    func write(contentsOf elements: some Sequence<Element>) async throws {
        for element in elements { try await stream.write(element) }
    }

    func finish() async { await stream.finishResponses(nil) }

    func finish(throwing error: any Error) async { await stream.finishResponses(error) }
}
