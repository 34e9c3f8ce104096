import GRPCCore
import NIOCore
import NIOHPACK
import NIOHTTP2

/// One client connection of the daemon's gRPC server, behind `NIOHTTP2Handler`: it turns the
/// connection's HTTP/2 frames into RPCs, request messages in and responses out, on the
/// connection's event loop. Streams are entries in a table, not child channels with pipelines of
/// their own, which is most of what a call used to cost (see `UnixGRPCTransport`).
///
/// Flow control is ours to keep: the connection's window is topped up from NIOHTTP2Handler's
/// count (which includes frames it drops for streams already reset), a stream's as its handler
/// takes the messages (see `ServerStream`).
///
/// Frames are queued (`queue`) and written (`send`) only once the table says what they do:
/// NIOHTTP2Handler may close a stream, and tell us so (`StreamClosedEvent`), while we write.
final class GRPCConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    /// A call in the table: where each of its two halves stands.
    struct Stream {
        let rpc: ServerStream
        var request: Request
        var response = Response.pending
        /// Received bytes not yet given back to the client as stream window.
        var windowToGrant = 0
        /// The client's deadline, kept here on the event loop: cheaper than the task and timer
        /// grpc-swift's server would start for it.
        var deadline: Scheduled<Void>?
    }

    /// The client's half of a call.
    enum Request {
        /// Request messages are taken. `partial` is the start of a message whose rest has not
        /// arrived yet; `inline` holds an inline method's messages until the request ends (nil
        /// for a call that runs as a task).
        case receiving(partial: ByteBuffer?, inline: InlineCall?)
        /// The request failed: no more messages are taken, and what the client still sends is
        /// dropped until it ends its side.
        case discarding
        /// The client sent END_STREAM: nothing more arrives.
        case ended

        var inline: InlineCall? {
            if case .receiving(_, let inline) = self { inline } else { nil }
        }
    }

    /// An inline method's call (see `InlineUnaryMethod`) while its request arrives.
    struct InlineCall {
        let method: InlineUnaryMethod
        let path: String
        var held: [WireBytes] = []
    }

    /// Our half of a call.
    enum Response {
        /// Nothing written yet: an answer now is trailers only.
        case pending
        case headersSent
        /// The trailers are queued: what the handler writes later is dropped.
        case ended
    }

    /// Graceful shutdown: GOAWAY with the highest stream ID and a PING first, so that calls the
    /// client has already sent are still taken; after the PING's answer, GOAWAY with the last
    /// stream ID seen (`closing`: new streams are refused); the connection closes when its calls
    /// are done (`closed`).
    enum Shutdown { case serving, draining, closing, closed }

    static let drainPing = HTTP2PingData(withInteger: 0x6374_722d_7374_6f70)

    let settings: UnixGRPCTransport.Settings
    let dispatcher: RPCDispatcher
    let inlineMethods: [String: InlineUnaryMethod]
    var context: ChannelHandlerContext?
    var bound: NIOLoopBound<GRPCConnectionHandler>?
    var callbacks: ServerStream.Connection?
    var streams: [HTTP2StreamID: Stream] = [:]
    /// Streams whose handlers start once the current read is over, so that a unary request that
    /// arrived whole is whole when its handler first looks.
    var starting: [(ServerStream, String)] = []
    var outbox: [(HTTP2Frame, EventLoopPromise<Void>?)] = []
    var lastStreamID = HTTP2StreamID.rootStream
    var shutdown = Shutdown.serving
    /// gRPC's ping policy, as grpc-go's keepalive enforcement keeps it: a client PING that comes
    /// sooner than `settings.minimumPingInterval` after the last is a strike unless we have sent
    /// HEADERS or DATA since (a BDP estimator pings after each response it reads); after
    /// `maximumPingStrikes` the connection ends with GOAWAY(ENHANCE_YOUR_CALM, "too_many_pings").
    /// Closes a connection that sends nothing; cancelled by its first frame.
    var prefaceTimer: Scheduled<Void>?
    /// Runs while no call is open, when `settings.maxConnectionIdle` is set; ends the connection
    /// gracefully when it fires.
    var idleTimer: Scheduled<Void>?
    var lastPingAt: NIODeadline?
    var pingStrikes = 0
    var sentSinceLastPing = false

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
        if context.channel.isActive { connectionStarted(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        connectionStarted(context)
        context.fireChannelActive()
    }

    private func connectionStarted(_ context: ChannelHandlerContext) {
        openConnectionWindow()
        let channel = context.channel
        prefaceTimer = context.eventLoop.scheduleTask(in: settings.prefaceTimeout) { channel.close(promise: nil) }
        checkIdle()
    }

    /// Starts the idle timer when the last call is gone, stops it when one is open.
    func checkIdle() {
        guard let limit = settings.maxConnectionIdle, let context, let bound else { return }
        if streams.isEmpty, case .serving = shutdown {
            guard idleTimer == nil else { return }
            idleTimer = context.eventLoop.scheduleTask(in: limit) {
                bound.value.idleTimer = nil
                bound.value.quiesce()
            }
        } else if let timer = idleTimer {
            timer.cancel()
            idleTimer = nil
        }
    }

    /// HTTP/2 starts every connection with a 64 KiB window; ours is `settings.windowSize`.
    private func openConnectionWindow() {
        let increment = settings.windowSize - 65_535
        guard increment > 0 else { return }
        queue(.windowUpdate(windowSizeIncrement: increment), on: .rootStream)
        send(flush: true)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if let timer = prefaceTimer {
            timer.cancel()
            prefaceTimer = nil
        }
        switch frame.payload {
        case .headers(let headers):
            receiveHeaders(headers, on: frame.streamID)
        case .data(let data):
            receiveData(data, on: frame.streamID)
        case .rstStream(let code):
            if let stream = streams.removeValue(forKey: frame.streamID) {
                stream.deadline?.cancel()
                stream.rpc.reset(RPCError(code: .cancelled, message: "the client reset the call (\(code))"))
                closeIfDone()
            }
        case .ping(let data, ack: true) where data == Self.drainPing:
            finalGoAway()
        case .ping(_, ack: false):
            receivedPing(context: context)
        default:
            break
        }
        send(flush: false)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !starting.isEmpty {
            let started = starting
            starting = []
            // A stream reset in the same read starts no handler.
            for (rpc, path) in started where streams[rpc.id]?.rpc === rpc { dispatcher.start(rpc, path: path) }
        }
        send(flush: true)
        checkIdle()
    }

    private func receiveHeaders(_ headers: HTTP2Frame.FramePayload.Headers, on id: HTTP2StreamID) {
        if var stream = streams[id] {
            // Trailers from the client: the end of its request, which must not end inside a message.
            if headers.endStream {
                if case .receiving(let partial, _) = stream.request {
                    let error = RPCError(code: .internalError, message: "the request ended inside a message")
                    endRequest(&stream, partial == nil ? .success(()) : .failure(error), clientDone: true)
                } else {
                    stream.request = .ended
                }
                streams[id] = stream
            }
            return
        }
        guard let callbacks else { return }
        switch shutdown {
        case .serving, .draining:
            break
        case .closing, .closed:
            queue(.rstStream(.refusedStream), on: id)
            return
        }
        lastStreamID = max(lastStreamID, id)
        switch GRPCHeaders.request(headers.headers) {
        case .rejected(let response):
            queue(.headers(.init(headers: response, endStream: true)), on: id,
                  promise: headers.endStream ? nil : resetWhenWritten(id, always: true))
        case .accepted(let path, let metadata, let timeout):
            let rpc = ServerStream(id: id, connection: callbacks)
            rpc.receive(.metadata(metadata))
            let inline = inlineMethods[path].map { InlineCall(method: $0, path: path) }
            var stream = Stream(rpc: rpc, request: .receiving(partial: nil, inline: inline))
            if let timeout, let bound, let context {
                stream.deadline = context.eventLoop.scheduleTask(in: timeout) { bound.value.deadlinePassed(rpc) }
            }
            if inline == nil { starting.append((rpc, path)) }
            if headers.endStream { endRequest(&stream, .success(()), clientDone: true) }
            streams[id] = stream
        }
    }

    private func receiveData(_ data: HTTP2Frame.FramePayload.Data, on id: HTTP2StreamID) {
        // Out of the table while it changes, so that appending to a partial message does not
        // copy it (the table's copy would share its storage).
        guard case .byteBuffer(var bytes) = data.data, var stream = streams.removeValue(forKey: id) else { return }
        defer { streams[id] = stream }
        let length = bytes.readableBytes + (data.paddingBytes.map { $0 + 1 } ?? 0)
        guard case .receiving(var partial, let inline) = stream.request else {
            if data.endStream { stream.request = .ended }
            return
        }
        // The partial message leaves the state before it grows, for the same reason.
        stream.request = .receiving(partial: nil, inline: inline)
        if var head = partial {
            partial = nil
            head.writeBuffer(&bytes)
            bytes = head
        }
        if let error = deframe(&bytes, into: &stream) {
            endRequest(&stream, .failure(error), clientDone: data.endStream)
            return
        }
        let rest = bytes.readableBytes > 0 ? bytes : nil
        if data.endStream {
            let error = RPCError(code: .internalError, message: "the request ended inside a message")
            endRequest(&stream, rest == nil ? .success(()) : .failure(error), clientDone: true)
            return
        }
        stream.request = .receiving(partial: rest, inline: stream.request.inline)
        stream.windowToGrant += length
        if stream.windowToGrant >= settings.windowSize / 4 && !stream.rpc.holdWindowIfBehind() {
            queue(.windowUpdate(windowSizeIncrement: stream.windowToGrant), on: id)
            stream.windowToGrant = 0
        }
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
            let received = WireBytes(received: message)
            if var inline = stream.request.inline {
                inline.held.append(received)
                if inline.held.count > 1 {
                    // Not a single-message request: the router's handler answers it, with its errors.
                    stream.request = .receiving(partial: nil, inline: nil)
                    runAsTask(stream.rpc, inline)
                } else {
                    stream.request = .receiving(partial: nil, inline: inline)
                }
            } else {
                stream.rpc.receive(.message(received))
            }
        }
        return nil
    }

    /// No more request messages are taken: the client ended its side (`clientDone`) or the
    /// request failed. An inline call with its one message is answered now, unless its method
    /// declines it.
    func endRequest(_ stream: inout Stream, _ end: Result<Void, any Error>, clientDone: Bool) {
        let inline = stream.request.inline
        stream.request = clientDone ? .ended : .discarding
        if let inline, case .success = end, inline.held.count == 1,
           respondInline(&stream, inline.method, request: inline.held[0]) {
            return
        }
        if let inline { runAsTask(stream.rpc, inline) }
        stream.rpc.finishRequests(end)
    }

    /// An inline method's call that cannot be answered inline goes to the router as a task.
    private func runAsTask(_ rpc: ServerStream, _ inline: InlineCall) {
        for message in inline.held { rpc.receive(.message(message)) }
        starting.append((rpc, inline.path))
    }

    /// The handler drained its request queue: the window held back goes to the client now.
    func grantWindow(_ rpc: ServerStream) {
        guard var stream = streams[rpc.id], stream.rpc === rpc, case .receiving = stream.request,
              stream.windowToGrant > 0 else { return }
        let increment = stream.windowToGrant
        stream.windowToGrant = 0
        streams[rpc.id] = stream
        queue(.windowUpdate(windowSizeIncrement: increment), on: rpc.id)
        send(flush: true)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let closed = event as? StreamClosedEvent {
            if let stream = streams.removeValue(forKey: closed.streamID) {
                stream.deadline?.cancel()
                if stream.response != .ended {
                    stream.rpc.reset(RPCError(code: .cancelled, message:
                        "the call's stream closed (\(closed.reason.map { "\($0)" } ?? "no error"))"))
                }
                closeIfDone()
            }
        } else if let update = event as? NIOHTTP2WindowUpdatedEvent, update.streamID == .rootStream,
                  let window = update.inboundWindowSize, window <= settings.windowSize / 2 {
            queue(.windowUpdate(windowSizeIncrement: settings.windowSize - window), on: .rootStream)
        }
        if !outbox.isEmpty { send(flush: true) }
        checkIdle()
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        resetAll(RPCError(code: .unavailable, message: "the client's connection closed"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        prefaceTimer?.cancel()
        prefaceTimer = nil
        idleTimer?.cancel()
        idleTimer = nil
        resetAll(RPCError(code: .unavailable, message: "the client's connection closed"))
        for (_, promise) in outbox { promise?.fail(ChannelError.ioOnClosedChannel) }
        outbox = []
        self.context = nil
        bound = nil
        callbacks = nil
    }

    func resetAll(_ error: RPCError) {
        let open = streams
        streams = [:]
        starting = []
        for stream in open.values {
            stream.deadline?.cancel()
            stream.rpc.reset(error)
        }
    }
}
