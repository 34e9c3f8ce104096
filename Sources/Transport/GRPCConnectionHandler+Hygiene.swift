import GRPCCore
import NIOCore
import NIOHTTP2

/// Connection hygiene: protocol errors, the ping policy, back-pressure on reads.
extension GRPCConnectionHandler {
    /// NIOHTTP2Handler resets a stream on a stream error (and `StreamClosedEvent` ends its call)
    /// and writes GOAWAY on a connection error, then passes the error on: a connection error
    /// closes the connection here, so nothing after it is parsed or answered, and calls on it are
    /// cancelled before they start.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case is NIOHTTP2Errors.StreamError:
            return
        case is NIOHTTP2Errors.NoSuchStream:
            // A stream opened while our GOAWAY was on its way: not the client's fault.
            if case .serving = shutdown { break }
            return
        default:
            break
        }
        shutdown = .closed
        resetAll(RPCError(code: .unavailable, message: "the connection failed: \(error)"))
        context.close(promise: nil)
    }

    /// A PING from the client (NIOHTTP2Handler answers it): counted against the ping policy.
    func receivedPing(context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        defer { lastPingAt = now }
        if sentSinceLastPing {
            sentSinceLastPing = false
            pingStrikes = 0
            return
        }
        if let last = lastPingAt, now - last < settings.minimumPingInterval { pingStrikes += 1 }
        guard pingStrikes > settings.maximumPingStrikes else { return }
        queue(.goAway(lastStreamID: lastStreamID, errorCode: .enhanceYourCalm,
                      opaqueData: ByteBuffer(string: "too_many_pings")), on: .rootStream,
              promise: closeWhenWritten(context))
        shutdown = .closed
        resetAll(RPCError(code: .unavailable, message: "the client sent too many pings"))
    }

    /// A socket that cannot drain stops the reading of new requests until it can.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        context.channel.setOption(ChannelOptions.autoRead, value: context.channel.isWritable).whenFailure { _ in }
        if context.channel.isWritable { context.read() }
        context.fireChannelWritabilityChanged()
    }
}
