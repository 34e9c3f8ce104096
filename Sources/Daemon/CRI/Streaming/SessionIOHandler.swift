import NIOCore

/// A session's end of a process pipe (an exec's output or stdin) or of a connection inside the
/// pod: what is read, the end of input (EOF, or the peer's half-close of a connection) and renewed
/// writability go to the session, on the channel's event loop. Errors close the channel.
final class SessionIOHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let onData: ([UInt8]) -> Void
    let onEnd: () -> Void
    let onWritable: () -> Void
    private var ended = false

    init(onData: @escaping ([UInt8]) -> Void = { _ in }, onEnd: @escaping () -> Void = {},
         onWritable: @escaping () -> Void = {}) {
        self.onData = onData
        self.onEnd = onEnd
        self.onWritable = onWritable
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if let bytes = buffer.readBytes(length: buffer.readableBytes), !bytes.isEmpty { onData(bytes) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed = event { end() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) { end() }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { onWritable() }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func end() {
        guard !ended else { return }
        ended = true
        onEnd()
    }
}
