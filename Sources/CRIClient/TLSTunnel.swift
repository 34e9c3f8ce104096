import Core
import Glibc
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// An `https://` stream URL through a local socket pair: NIO speaks TLS to the stream server on
/// one event loop and copies bytes to one end of the pair; the stream clients, which poll a plain
/// descriptor, get the other end and need not know about TLS.
///
/// The server's certificate is not verified, as crictl does not verify it: a runtime's stream
/// server certificate is usually self-signed (containerd's and ours are made at start), and the
/// URL came from the runtime over its own socket, with a single-use token in it.
enum TLSTunnel {
    static func open(host: String, port: UInt16, timeout: Duration) throws(CtrError) -> Int32 {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0 else {
            throw .internalError("stream TLS: socketpair: \(Errno.current)")
        }
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            let context = try NIOSSLContext(configuration: configuration)
            let handshake = loop.makePromise(of: Void.self)
            let serverName = StreamConnection.isIPLiteral(host) ? nil : host
            let network = try ClientBootstrap(group: loop)
                .connectTimeout(.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: context, serverHostname: serverName))
                        try channel.pipeline.syncOperations.addHandler(HandshakeWaiter(promise: handshake))
                    }
                }
                .connect(host: host, port: Int(port)).wait()
            let expiry = loop.scheduleTask(in: .seconds(Int64(timeout.components.seconds))) {
                handshake.fail(CtrError.unavailable("stream server \(host):\(port): no TLS handshake within \(timeout)"))
            }
            do {
                try handshake.futureResult.wait()
            } catch {
                network.close(promise: nil)
                throw error
            }
            expiry.cancel()
            let local = try ClientBootstrap(group: loop).withConnectedSocket(pair[1]).wait()
            pair[1] = -1
            try loop.submit {
                let (toLocal, toNetwork) = Glue.pair()
                try network.pipeline.syncOperations.addHandler(toLocal)
                try local.pipeline.syncOperations.addHandler(toNetwork)
            }.wait()
            return pair[0]
        } catch {
            close(pair[0])
            if pair[1] >= 0 { close(pair[1]) }
            if let error = error as? CtrError { throw error }
            throw .unavailable("cannot connect to the stream server at \(host):\(port) over TLS: \(error)")
        }
    }

    /// Completes when the TLS handshake is done, fails when the connection fails first.
    final class HandshakeWaiter: ChannelInboundHandler {
        typealias InboundIn = NIOAny
        let promise: EventLoopPromise<Void>

        init(promise: EventLoopPromise<Void>) { self.promise = promise }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted? = event as? TLSUserEvent { promise.succeed() }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            promise.fail(error)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.fail(CtrError.unavailable("the stream server closed the connection during the TLS handshake"))
            context.fireChannelInactive()
        }
    }

    /// One of two handlers that join two channels on the same event loop: what one reads, the
    /// other writes; one reads only while the other can write; when one closes, so does the other.
    final class Glue: ChannelDuplexHandler {
        typealias InboundIn = NIOAny
        typealias OutboundIn = NIOAny
        typealias OutboundOut = NIOAny

        var partner: Glue?
        var context: ChannelHandlerContext?
        var readPending = false
        /// The last write taken from the partner: a close waits for it, so nothing read before
        /// the partner's end is dropped.
        var lastWrite: EventLoopFuture<Void>?

        static func pair() -> (Glue, Glue) {
            let first = Glue()
            let second = Glue()
            first.partner = second
            second.partner = first
            return (first, second)
        }

        func handlerAdded(context: ChannelHandlerContext) {
            self.context = context
            // The partner may have asked to read before this side could take its bytes.
            if let partner, partner.readPending, context.channel.isWritable {
                partner.readPending = false
                partner.context?.read()
            }
        }

        func handlerRemoved(context: ChannelHandlerContext) {
            self.context = nil
            partner = nil
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard let partner, let target = partner.context else { return }
            partner.lastWrite = target.write(data)
        }

        func channelReadComplete(context: ChannelHandlerContext) { partner?.context?.flush() }

        func channelInactive(context: ChannelHandlerContext) {
            if let partner, let target = partner.context {
                target.flush()
                if let last = partner.lastWrite {
                    let channel = target.channel
                    last.whenComplete { _ in channel.close(promise: nil) }
                } else {
                    target.close(promise: nil)
                }
            }
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if context.channel.isWritable, let partner, partner.readPending {
                partner.readPending = false
                partner.context?.read()
            }
            context.fireChannelWritabilityChanged()
        }

        func read(context: ChannelHandlerContext) {
            if partner?.context?.channel.isWritable ?? false {
                context.read()
            } else {
                readPending = true
            }
        }
    }
}
