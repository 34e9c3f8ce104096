import NIOCore

/// Answers the server's PINGs below swift-nio-http2, so that its DoS heuristics never count them.
///
/// grpc-go servers (containerd's) estimate bandwidth by sending a PING each time data arrives
/// with no PING outstanding: a client making unary calls one after another gets one per call.
/// swift-nio-http2 counts inbound PINGs against a control-frame limit of 200 per 30 s, which
/// grpc-swift-nio-transport's client pipeline does not let us raise, and after the 200th it
/// drops the connection (calls in flight fail with UNAVAILABLE, "ExcessiveControlFrames"). This
/// handler sits between the socket and the HTTP/2 handler, takes each PING (not its ACK) out of
/// the byte stream and writes the ACK itself, as HTTP/2 requires; everything else passes
/// unchanged. A PING ACK for our own keepalive still reaches the HTTP/2 handler.
final class ServerPingAnswerer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let headerSize = 9
    static let pingType: UInt8 = 6
    static let ackFlag: UInt8 = 1

    /// The start of a frame header split across reads.
    private var header: [UInt8] = []
    /// Bytes of the current frame's payload still to pass on.
    private var passing = 0
    /// The payload of a PING being read (answered once it has its 8 bytes).
    private var ping: [UInt8]?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        var out = context.channel.allocator.buffer(capacity: buffer.readableBytes)
        while buffer.readableBytes > 0 {
            if passing > 0 {
                let count = min(passing, buffer.readableBytes)
                if let slice = buffer.readSlice(length: count) { out.writeImmutableBuffer(slice) }
                passing -= count
                continue
            }
            if var payload = ping {
                payload += buffer.readBytes(length: min(8 - payload.count, buffer.readableBytes)) ?? []
                if payload.count == 8 {
                    answer(context, payload)
                    ping = nil
                } else {
                    ping = payload
                }
                continue
            }
            header += buffer.readBytes(length: min(Self.headerSize - header.count, buffer.readableBytes)) ?? []
            guard header.count == Self.headerSize else { break }
            let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
            let stream = (UInt32(header[5]) << 24 | UInt32(header[6]) << 16 | UInt32(header[7]) << 8 | UInt32(header[8]))
                & 0x7fff_ffff
            if header[3] == Self.pingType, header[4] & Self.ackFlag == 0, length == 8, stream == 0 {
                ping = []
            } else {
                out.writeBytes(header)
                passing = length
            }
            header = []
        }
        if out.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(out)) }
    }

    private func answer(_ context: ChannelHandlerContext, _ payload: [UInt8]) {
        var frame = context.channel.allocator.buffer(capacity: Self.headerSize + 8)
        frame.writeBytes([0, 0, 8, Self.pingType, Self.ackFlag, 0, 0, 0, 0])
        frame.writeBytes(payload)
        context.writeAndFlush(NIOAny(frame), promise: nil)
    }
}
