import GRPCCore
import NIOCore
import NIOHPACK
import NIOHTTP2

/// Responses, deadlines, inline methods and graceful shutdown.
extension GRPCConnectionHandler {
    /// Writes what the handler queued: response headers, messages, the status in trailers.
    func drain(_ rpc: ServerStream) {
        for part in rpc.takeResponses() {
            guard var stream = streams[rpc.id], stream.rpc === rpc, stream.response != .ended else {
                if case .message(let bytes) = part { rpc.written(bytes.count) }
                continue
            }
            switch part {
            case .metadata(let metadata):
                guard stream.response == .pending else { continue }
                stream.response = .headersSent
                streams[rpc.id] = stream
                queue(.headers(.init(headers: GRPCHeaders.responseHeaders(metadata))), on: rpc.id)
            case .message(let bytes):
                if stream.response == .pending {
                    stream.response = .headersSent
                    streams[rpc.id] = stream
                    queue(.headers(.init(headers: GRPCHeaders.responseHeaders([:]))), on: rpc.id)
                }
                let count = bytes.count
                let written = makePromise()
                written?.futureResult.whenComplete { _ in rpc.written(count) }
                queue(.data(.init(data: .byteBuffer(bytes.framed))), on: rpc.id, promise: written)
                if written == nil { rpc.written(count) }
            case .status(let status, let metadata):
                endResponse(&stream, GRPCHeaders.trailers(status, metadata, trailersOnly: stream.response == .pending))
            }
        }
        send(flush: true)
    }

    /// Queues the trailers and records the response as ended (in the table before the frame is
    /// written). A client still sending then gets RST_STREAM(NO_ERROR) to stop, once the trailers
    /// are out: a reset drops what NIOHTTP2Handler still holds for the stream.
    func endResponse(_ stream: inout Stream, _ trailers: HPACKHeaders) {
        stream.response = .ended
        stream.deadline?.cancel()
        stream.deadline = nil
        let id = stream.rpc.id
        streams[id] = stream
        queue(.headers(.init(headers: trailers, endStream: true)), on: id,
              promise: clientDone(stream) ? nil : resetWhenWritten(id, always: false))
    }

    /// A promise that, once its frame is written, resets stream `id`: `always`, or only while the
    /// stream is still in the table (the client has not ended it meanwhile).
    func resetWhenWritten(_ id: HTTP2StreamID, always: Bool) -> EventLoopPromise<Void>? {
        guard let bound, let written = makePromise() else { return nil }
        written.futureResult.whenSuccess {
            let handler = bound.value
            guard always || handler.streams[id] != nil else { return }
            handler.queue(.rstStream(.noError), on: id)
            handler.send(flush: true)
        }
        return written
    }

    /// The client's deadline passed before the response ended: the client hears
    /// DEADLINE_EXCEEDED, the handler is cancelled and what it writes later is dropped.
    func deadlinePassed(_ rpc: ServerStream) {
        guard var stream = streams[rpc.id], stream.rpc === rpc, stream.response != .ended else { return }
        stream.deadline = nil
        let status = Status(code: .deadlineExceeded, message: "the call's deadline passed")
        endResponse(&stream, GRPCHeaders.trailers(status, [:], trailersOnly: stream.response == .pending))
        send(flush: true)
        rpc.reset(RPCError(code: .deadlineExceeded, message: status.message))
    }

    /// Answers an inline call; false when the method declined it (it goes to the router).
    func respondInline(_ stream: inout Stream, _ method: InlineUnaryMethod, request: WireBytes) -> Bool {
        let id = stream.rpc.id
        guard let result = method.respond(request.buffer) else { return false }
        switch result {
        case .success(let response):
            stream.response = .headersSent
            queue(.headers(.init(headers: GRPCHeaders.responseHeaders([:]))), on: id)
            queue(.data(.init(data: .byteBuffer(response.framed))), on: id)
            endResponse(&stream, GRPCHeaders.trailers(Status(code: .ok, message: ""), [:], trailersOnly: false))
        case .failure(let error):
            let status = Status(code: Status.Code(error.code), message: error.message)
            endResponse(&stream, GRPCHeaders.trailers(status, error.metadata, trailersOnly: true))
        }
        return true
    }

    // MARK: Graceful shutdown

    /// First step: GOAWAY with the highest stream ID and a PING (see `Shutdown`).
    func quiesce() {
        guard context != nil, case .serving = shutdown else { return }
        shutdown = .draining
        queue(.goAway(lastStreamID: .maxID, errorCode: .noError, opaqueData: nil), on: .rootStream)
        queue(.ping(Self.drainPing, ack: false), on: .rootStream)
        send(flush: true)
        // A client that does not answer the PING gets the final GOAWAY anyway.
        if let bound, let context {
            context.eventLoop.scheduleTask(in: .seconds(1)) { bound.value.finalGoAway() }
        }
    }

    /// Second step, once the client answered the PING: the last stream taken.
    func finalGoAway() {
        guard case .draining = shutdown else { return }
        shutdown = .closing
        queue(.goAway(lastStreamID: lastStreamID, errorCode: .noError, opaqueData: nil), on: .rootStream)
        send(flush: true)
        closeIfDone()
    }

    /// Closes the connection after the final GOAWAY once no call is left, after everything
    /// written so far has reached the socket (closing at once could drop trailers not yet written).
    func closeIfDone() {
        guard case .closing = shutdown, streams.isEmpty, let context else { return }
        shutdown = .closed
        queue(.goAway(lastStreamID: lastStreamID, errorCode: .noError, opaqueData: nil), on: .rootStream,
              promise: closeWhenWritten(context))
        send(flush: true)
    }

    // MARK: Writing

    func queue(_ payload: HTTP2Frame.FramePayload, on id: HTTP2StreamID, promise: EventLoopPromise<Void>? = nil) {
        outbox.append((HTTP2Frame(streamID: id, payload: payload), promise))
    }

    /// Writes the queued frames (and those queued meanwhile: a write may close a stream, whose
    /// event queues more).
    func send(flush: Bool) {
        guard let context else {
            for (_, promise) in outbox { promise?.fail(ChannelError.ioOnClosedChannel) }
            outbox = []
            return
        }
        while !outbox.isEmpty {
            let frames = outbox
            outbox = []
            for (frame, promise) in frames {
                switch frame.payload {
                case .headers, .data: sentSinceLastPing = true
                default: break
                }
                context.write(wrapOutboundOut(frame), promise: promise)
            }
        }
        if flush { context.flush() }
    }

    private func clientDone(_ stream: Stream) -> Bool {
        if case .ended = stream.request { true } else { false }
    }

    /// A promise that closes the connection once its frame is written.
    func closeWhenWritten(_ context: ChannelHandlerContext) -> EventLoopPromise<Void> {
        let written = context.eventLoop.makePromise(of: Void.self)
        let channel = context.channel
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        return written
    }

    func makePromise() -> EventLoopPromise<Void>? {
        context?.eventLoop.makePromise(of: Void.self)
    }
}
