import Core
import Logging
import NIOCore
import Streaming

/// One stream-server connection: reads the upgrade request, checks its token, answers, and hands
/// the bytes that follow to the SPDY or WebSocket session.
final class StreamConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum State {
        case head([UInt8])
        case spdy(SPDYServerConnection)
        case webSocket(WebSocketServerConnection)
        case closed
    }

    let service: CRIService
    let idleTimeout: Duration
    let logger: Logger
    var state = State.head([])
    var lastActivity = NIODeadline.now()
    var idleCheck: RepeatedTask?

    init(service: CRIService, idleTimeout: Duration, logger: Logger) {
        self.service = service
        self.idleTimeout = idleTimeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // A client must send its upgrade request promptly; a session must not sit idle for ever.
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let channel = context.channel
        context.eventLoop.scheduleTask(in: .seconds(30)) {
            guard case .head = bound.value.state else { return }
            bound.value.state = .closed
            channel.close(promise: nil)
        }
        let interval = TimeAmount.nanoseconds(max(1_000_000_000, Int64(idleTimeout.components.seconds) * 100_000_000))
        idleCheck = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            let handler = bound.value
            let idle = NIODeadline.now() - handler.lastActivity
            if idle.nanoseconds >= Int64(handler.idleTimeout.components.seconds) * 1_000_000_000 {
                handler.logger.info("stream session idle: closing", metadata: ["idle.s": "\(idle.nanoseconds / 1_000_000_000)"])
                handler.end(channel: channel, reason: "stream idle timeout exceeded")
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        lastActivity = .now()
        switch state {
        case .head(var pending):
            pending += bytes
            do {
                guard let head = try HTTPHead.take(from: &pending) else {
                    state = .head(pending)
                    return
                }
                try upgrade(context: context, head: head, rest: pending)
            } catch {
                respond(context: context, status: "400 Bad Request", body: CtrError.message(of: error))
            }
        case .spdy(let connection):
            connection.received(bytes)
        case .webSocket(let connection):
            connection.received(bytes)
        case .closed:
            break
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        lastActivity = .now()
        switch state {
        case .spdy(let connection): connection.session?.writabilityChanged(context.channel.isWritable)
        case .webSocket(let connection): connection.session?.writabilityChanged(context.channel.isWritable)
        default: break
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .spdy(let connection): connection.session?.connectionClosed()
        case .webSocket(let connection): connection.session?.connectionClosed()
        default: break
        }
        state = .closed
        idleCheck?.cancel()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is StreamServerStopping {
            end(channel: context.channel, reason: "the runtime is stopping")
            let channel = context.channel
            context.eventLoop.scheduleTask(in: .seconds(3)) { channel.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Ends the session: its process side is told, the client gets an error if the protocol allows.
    func end(channel: any Channel, reason: String) {
        switch state {
        case .spdy(let connection): connection.session?.abort(reason)
        case .webSocket(let connection): connection.session?.abort(reason)
        case .head: channel.close(promise: nil)
        case .closed: break
        }
    }

    // MARK: Upgrade

    func upgrade(context: ChannelHandlerContext, head: HTTPHead, rest: [UInt8]) throws {
        guard head.line.count == 3, ["GET", "POST"].contains(head.line[0]) else {
            respond(context: context, status: "405 Method Not Allowed", body: "only GET and POST are served")
            return
        }
        let target = head.line[1]
        let pathPart = target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? target
        let query = target.contains("?") ? String(target.split(separator: "?", maxSplits: 1)[1]) : ""
        let segments = pathPart.split(separator: "/").map(String.init)
        guard segments.count == 2, let request = service.streamTokens.take(segments[1]), request.path == segments[0] else {
            respond(context: context, status: "404 Not Found", body: "unknown, used or expired stream token")
            return
        }
        let isPortForward = if case .portForward = request { true } else { false }
        if head.has("upgrade", token: "websocket") {
            let offered = head.values("sec-websocket-protocol")
            let supported = isPortForward ? RemoteCommand.webSocketPortForwardProtocols : RemoteCommand.webSocketProtocols
            let chosen = RemoteCommand.negotiate(offered: offered, supported: supported) ?? (offered.isEmpty ? "channel.k8s.io" : nil)
            guard let chosen, let key = head.value("sec-websocket-key") else {
                respond(context: context, status: "400 Bad Request",
                        body: "websocket: no supported subprotocol (server supports \(supported.joined(separator: ", ")))")
                return
            }
            var fields = [("Upgrade", "websocket"), ("Connection", "Upgrade"),
                          ("Sec-WebSocket-Accept", HTTPHead.webSocketAccept(key: key))]
            if !offered.isEmpty { fields.append(("Sec-WebSocket-Protocol", chosen)) }
            write(context: context, HTTPHead(line: ["HTTP/1.1", "101", "Switching Protocols"], fields: fields).serialized())
            let connection = WebSocketServerConnection(channel: context.channel, protocolName: chosen)
            state = .webSocket(connection)
            connection.start(request: request, query: query, service: service, logger: logger)
            if !rest.isEmpty { connection.received(rest) }
            return
        }
        guard head.has("upgrade", token: "SPDY/3.1") else {
            respond(context: context, status: "400 Bad Request", body: "upgrade request required (SPDY/3.1 or websocket)")
            return
        }
        let offered = head.values("x-stream-protocol-version")
        let supported = isPortForward ? [RemoteCommand.portForwardProtocol] : RemoteCommand.spdyProtocols
        let chosen = RemoteCommand.negotiate(offered: offered, supported: supported)
        guard chosen != nil || offered.isEmpty else {
            respond(context: context, status: "403 Forbidden",
                    body: "unable to upgrade: unable to negotiate protocol: client supports \(offered), server supports \(supported)")
            return
        }
        var fields = [("Connection", "Upgrade"), ("Upgrade", "SPDY/3.1")]
        if let chosen { fields.append(("X-Stream-Protocol-Version", chosen)) }
        write(context: context, HTTPHead(line: ["HTTP/1.1", "101", "Switching Protocols"], fields: fields).serialized())
        let connection = SPDYServerConnection(channel: context.channel, logger: logger)
        state = .spdy(connection)
        connection.start(request: request, version: RemoteCommand.version(chosen ?? "channel.k8s.io"), service: service)
        if !rest.isEmpty { connection.received(rest) }
    }

    func respond(context: ChannelHandlerContext, status: String, body: String) {
        state = .closed
        let text = body + "\n"
        let parts = status.split(separator: " ", maxSplits: 1).map(String.init)
        let head = HTTPHead(line: ["HTTP/1.1"] + parts, fields: [
            ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", String(text.utf8.count)), ("Connection", "close"),
        ])
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: head.serialized() + Array(text.utf8)))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    func write(context: ChannelHandlerContext, _ bytes: [UInt8]) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
    }
}
