import GRPCCore
import NIOCore
import NIOHPACK
import NIOHTTP2

/// One client connection of the daemon's gRPC server, behind `NIOHTTP2Handler`: it turns the
/// connection's HTTP/2 frames into RPCs, request messages in and responses out, on the
/// connection's event loop. Streams are entries in a table, not child channels with pipelines of
/// their own, which is most of what a call used to cost (see `UnixGRPCTransport`).
///
/// Flow control is ours to keep: the client gets connection window back as soon as its bytes
/// arrive, and stream window as its handler takes the messages (see `ServerStream`).
final class GRPCConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private struct Stream {
        let rpc: ServerStream
        /// The start of a request message whose rest has not arrived yet.
        var partial: ByteBuffer?
        var requestEnded = false
        var headersSent = false
        var responseEnded = false
        /// Received bytes not yet given back to the client as stream window.
        var windowToGrant = 0
        /// The client's deadline, kept here on the event loop: cheaper than the task and timer
        /// grpc-swift's server would start for it.
        var deadline: Scheduled<Void>?
        /// An inline method's request messages, held until the request ends; nil for a call that
        /// runs as a task.
        var inline: (method: InlineUnaryMethod, path: String, held: [WireBytes])?
    }

    private let settings: UnixGRPCTransport.Settings
    private let dispatcher: RPCDispatcher
    private var context: ChannelHandlerContext?
    private var bound: NIOLoopBound<GRPCConnectionHandler>?
    private var callbacks: ServerStream.Connection?
    private var streams: [HTTP2StreamID: Stream] = [:]
    /// Streams whose handlers start once the current read is over, so that a unary request that
    /// arrived whole is whole when its handler first looks.
    private var starting: [(ServerStream, String)] = []
    private var connectionWindowToGrant = 0
    private var lastStreamID = HTTP2StreamID.rootStream
    private var quiescing = false

    private let inlineMethods: [String: InlineUnaryMethod]

    init(settings: UnixGRPCTransport.Settings, dispatcher: RPCDispatcher,
         inlineMethods: [String: InlineUnaryMethod] = [:]) {
        self.settings = settings
        self.dispatcher = dispatcher
        self.inlineMethods = inlineMethods
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        bound = handler
        callbacks = ServerStream.Connection(
            eventLoop: context.eventLoop,
            drain: { handler.value.drain($0) },
            grantWindow: { handler.value.grantWindow($0) })
        if context.channel.isActive { openConnectionWindow(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        openConnectionWindow(context)
        context.fireChannelActive()
    }

    /// HTTP/2 starts every connection with a 64 KiB window; ours is `settings.windowSize`.
    private func openConnectionWindow(_ context: ChannelHandlerContext) {
        let increment = settings.windowSize - 65_535
        guard increment > 0 else { return }
        context.writeAndFlush(wrapOutboundOut(HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: increment))),
                              promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.payload {
        case .headers(let headers):
            receiveHeaders(headers, on: frame.streamID, context)
        case .data(let data):
            receiveData(data, on: frame.streamID, context)
        case .rstStream(let code):
            if let stream = streams.removeValue(forKey: frame.streamID) {
                stream.deadline?.cancel()
                stream.rpc.reset(RPCError(code: .cancelled, message: "the client reset the call (\(code))"))
            }
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !starting.isEmpty {
            let started = starting
            starting = []
            for (rpc, path) in started { dispatcher.start(rpc, path: path) }
        }
        if connectionWindowToGrant > 0 {
            write(.windowUpdate(windowSizeIncrement: connectionWindowToGrant), on: .rootStream)
            connectionWindowToGrant = 0
        }
        context.flush()
    }

    private func receiveHeaders(_ headers: HTTP2Frame.FramePayload.Headers, on id: HTTP2StreamID,
                                _ context: ChannelHandlerContext) {
        if var stream = streams[id] {
            // Trailers from the client: the end of its request.
            if headers.endStream { endRequest(&stream, .success(())) }
            streams[id] = stream
            return
        }
        guard !quiescing, let callbacks else {
            write(.rstStream(.refusedStream), on: id)
            return
        }
        lastStreamID = max(lastStreamID, id)
        switch GRPCHeaders.request(headers.headers) {
        case .rejected(let response):
            write(.headers(.init(headers: response, endStream: true)), on: id)
            if !headers.endStream {
                context.flush()
                write(.rstStream(.noError), on: id)
            }
        case .accepted(let path, let metadata, let timeout):
            let rpc = ServerStream(id: id, connection: callbacks)
            rpc.receive(.metadata(metadata))
            var stream = Stream(rpc: rpc)
            if let timeout, let bound {
                stream.deadline = context.eventLoop.scheduleTask(in: timeout) { bound.value.deadlinePassed(rpc) }
            }
            if let method = inlineMethods[path] {
                stream.inline = (method, path, [])
            } else {
                starting.append((rpc, path))
            }
            if headers.endStream { endRequest(&stream, .success(())) }
            streams[id] = stream
        }
    }

    private func receiveData(_ data: HTTP2Frame.FramePayload.Data, on id: HTTP2StreamID,
                             _ context: ChannelHandlerContext) {
        guard case .byteBuffer(var bytes) = data.data else { return }
        let length = bytes.readableBytes + (data.paddingBytes.map { $0 + 1 } ?? 0)
        connectionWindowToGrant += length
        guard var stream = streams[id], !stream.requestEnded else { return }
        if var partial = stream.partial {
            partial.writeBuffer(&bytes)
            bytes = partial
            stream.partial = nil
        }
        if let error = deframe(&bytes, into: &stream) {
            endRequest(&stream, .failure(error))
        } else if bytes.readableBytes > 0 {
            stream.partial = bytes
        }
        stream.windowToGrant += length
        if data.endStream {
            if !stream.requestEnded {
                let error = RPCError(code: .internalError, message: "the request ended inside a message")
                endRequest(&stream, stream.partial == nil ? .success(()) : .failure(error))
            }
        } else if !stream.requestEnded && stream.windowToGrant >= settings.windowSize / 4
                    && !stream.rpc.holdWindowIfBehind() {
            write(.windowUpdate(windowSizeIncrement: stream.windowToGrant), on: id)
            stream.windowToGrant = 0
        }
        streams[id] = stream
    }

    /// Hands every whole message in `bytes` to the stream (as slices of the frame, not copies)
    /// and leaves a partial one in `bytes`.
    private func deframe(_ bytes: inout ByteBuffer, into stream: inout Stream) -> RPCError? {
        while let (flag, length) = bytes.getMultipleIntegers(at: bytes.readerIndex, as: (UInt8, UInt32).self) {
            guard flag == 0 else {
                return RPCError(code: .internalError, message: "a compressed request message without grpc-encoding")
            }
            guard Int(length) <= settings.maxRequestSize else {
                return RPCError(code: .resourceExhausted,
                                message: "request message of \(length) bytes exceeds the limit of \(settings.maxRequestSize)")
            }
            guard bytes.readableBytes >= WireBytes.prefixLength + Int(length) else { return nil }
            bytes.moveReaderIndex(forwardBy: WireBytes.prefixLength)
            guard let message = bytes.readSlice(length: Int(length)) else { return nil }
            let bytes = WireBytes(received: message)
            if stream.inline != nil {
                stream.inline?.held.append(bytes)
                // Not a single-message request: the router's handler answers it, with its errors.
                if let held = stream.inline?.held, held.count > 1 { runAsTask(&stream) }
            } else {
                stream.rpc.receive(.message(bytes))
            }
        }
        return nil
    }

    private func endRequest(_ stream: inout Stream, _ end: Result<Void, any Error>) {
        stream.requestEnded = true
        stream.partial = nil
        if let inline = stream.inline, case .success = end, inline.held.count == 1 {
            respondInline(&stream, inline.method, request: inline.held[0])
            return
        }
        runAsTask(&stream)
        stream.rpc.finishRequests(end)
    }

    /// An inline method's call that cannot be answered inline goes to the router as a task.
    private func runAsTask(_ stream: inout Stream) {
        guard let inline = stream.inline else { return }
        stream.inline = nil
        for message in inline.held { stream.rpc.receive(.message(message)) }
        starting.append((stream.rpc, inline.path))
    }

    private func respondInline(_ stream: inout Stream, _ method: InlineUnaryMethod, request: WireBytes) {
        stream.inline = nil
        stream.responseEnded = true
        stream.deadline?.cancel()
        stream.deadline = nil
        let id = stream.rpc.id
        switch method.respond(request.buffer) {
        case .success(let response):
            stream.headersSent = true
            write(.headers(.init(headers: GRPCHeaders.responseHeaders([:]))), on: id)
            write(.data(.init(data: .byteBuffer(response.framed))), on: id)
            write(.headers(.init(headers: GRPCHeaders.trailers(Status(code: .ok, message: ""), [:], trailersOnly: false),
                                 endStream: true)), on: id)
        case .failure(let error):
            let status = Status(code: Status.Code(error.code), message: error.message)
            write(.headers(.init(headers: GRPCHeaders.trailers(status, error.metadata, trailersOnly: true),
                                 endStream: true)), on: id)
        }
    }

    /// The handler drained its request queue: the window held back goes to the client now.
    func grantWindow(_ rpc: ServerStream) {
        guard let context, var stream = streams[rpc.id], stream.rpc === rpc, !stream.requestEnded,
              stream.windowToGrant > 0 else { return }
        write(.windowUpdate(windowSizeIncrement: stream.windowToGrant), on: rpc.id)
        stream.windowToGrant = 0
        streams[rpc.id] = stream
        context.flush()
    }

    /// Writes what the handler queued: response headers, messages, the status in trailers.
    func drain(_ rpc: ServerStream) {
        let parts = rpc.takeResponses()
        guard let context, var stream = streams[rpc.id], stream.rpc === rpc, !stream.responseEnded else {
            for case .message(let bytes) in parts { rpc.written(bytes.count) }
            return
        }
        for part in parts {
            switch part {
            case .metadata(let metadata):
                guard !stream.headersSent else { continue }
                stream.headersSent = true
                write(.headers(.init(headers: GRPCHeaders.responseHeaders(metadata))), on: rpc.id)
            case .message(let bytes):
                if !stream.headersSent {
                    stream.headersSent = true
                    write(.headers(.init(headers: GRPCHeaders.responseHeaders([:]))), on: rpc.id)
                }
                let count = bytes.count
                let promise = context.eventLoop.makePromise(of: Void.self)
                promise.futureResult.whenComplete { _ in rpc.written(count) }
                write(.data(.init(data: .byteBuffer(bytes.framed))), on: rpc.id, promise: promise)
            case .status(let status, let metadata):
                let trailers = GRPCHeaders.trailers(status, metadata, trailersOnly: !stream.headersSent)
                write(.headers(.init(headers: trailers, endStream: true)), on: rpc.id)
                stream.responseEnded = true
                stream.deadline?.cancel()
                stream.deadline = nil
                // The answer is complete while the client still sends: tell it to stop. The flush
                // comes first: NIOHTTP2Handler holds DATA and trailers until a flush, and a reset
                // drops what it holds for the stream.
                if !stream.requestEnded {
                    context.flush()
                    write(.rstStream(.noError), on: rpc.id)
                }
            }
        }
        streams[rpc.id] = stream
        context.flush()
    }

    /// The client's deadline passed before the response ended: the client hears
    /// DEADLINE_EXCEEDED, the handler is cancelled and what it writes later is dropped.
    func deadlinePassed(_ rpc: ServerStream) {
        guard let context, var stream = streams[rpc.id], stream.rpc === rpc, !stream.responseEnded else { return }
        let status = Status(code: .deadlineExceeded, message: "the call's deadline passed")
        write(.headers(.init(headers: GRPCHeaders.trailers(status, [:], trailersOnly: !stream.headersSent),
                             endStream: true)), on: rpc.id)
        context.flush()
        if !stream.requestEnded { write(.rstStream(.noError), on: rpc.id) }
        stream.responseEnded = true
        stream.deadline = nil
        streams[rpc.id] = stream
        context.flush()
        rpc.reset(RPCError(code: .deadlineExceeded, message: status.message))
    }

    private func write(_ payload: HTTP2Frame.FramePayload, on id: HTTP2StreamID,
                       promise: EventLoopPromise<Void>? = nil) {
        context?.write(wrapOutboundOut(HTTP2Frame(streamID: id, payload: payload)), promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let closed = event as? StreamClosedEvent, let stream = streams.removeValue(forKey: closed.streamID) {
            stream.deadline?.cancel()
            if closed.reason != nil || !stream.responseEnded {
                stream.rpc.reset(RPCError(code: .cancelled,
                                          message: "the call's stream closed (\(closed.reason.map { "\($0)" } ?? "no error"))"))
            }
            if quiescing && streams.isEmpty { closeWhenWritten(context) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Graceful shutdown: no new calls (GOAWAY), the connection closes when its calls are done.
    func quiesce() {
        guard let context, !quiescing else { return }
        quiescing = true
        write(.goAway(lastStreamID: lastStreamID, errorCode: .noError, opaqueData: nil), on: .rootStream)
        context.flush()
        if streams.isEmpty { closeWhenWritten(context) }
    }

    /// Closes the connection once everything written so far has reached the socket: a final
    /// GOAWAY goes after the last trailers, and the close follows it. Closing at once could drop
    /// trailers NIOHTTP2Handler has not written yet.
    private func closeWhenWritten(_ context: ChannelHandlerContext) {
        let channel = context.channel
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        write(.goAway(lastStreamID: lastStreamID, errorCode: .noError, opaqueData: nil), on: .rootStream,
              promise: written)
        context.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        resetAll(RPCError(code: .unavailable, message: "the client's connection closed"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        resetAll(RPCError(code: .unavailable, message: "the client's connection closed"))
        self.context = nil
        bound = nil
        callbacks = nil
    }

    private func resetAll(_ error: RPCError) {
        let open = streams
        streams = [:]
        starting = []
        for stream in open.values {
            stream.deadline?.cancel()
            stream.rpc.reset(error)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let streamError = error as? NIOHTTP2Errors.StreamError {
            // NIOHTTP2Handler has reset that stream; the rest of the connection is fine.
            if let stream = streams.removeValue(forKey: streamError.streamID) {
                stream.deadline?.cancel()
                stream.rpc.reset(RPCError(code: .internalError, message: "HTTP/2 stream error: \(streamError.baseError)"))
            }
            return
        }
        context.close(promise: nil)
    }
}
