import Core
import Glibc
import Logging
import NIOCore
import NIOPosix
import Streaming

/// A port-forward session: each forwarded connection is a pair of client streams (`data` and
/// `error`, joined by `requestID`, naming a `port`) over SPDY, or a pair of channels per port over
/// WebSocket. Each data stream is joined to a TCP connection made inside the pod's network
/// namespace; a port nobody listens on gives an error on that pair only.
final class PortForwardSession: StreamSession {
    /// One forwarded connection.
    final class Forward {
        let port: Int
        var dataStream: UInt32?
        var errorStream: UInt32?
        var pod: (any Channel)?
        var pendingToPod: [[UInt8]] = []
        var clientEnded = false
        var finished = false
        /// WebSocket: the port's place in the URL, whose data and errors go on channels 2n and 2n+1.
        let index: Int?

        init(port: Int, index: Int? = nil) {
            self.port = port
            self.index = index
        }
    }

    let sandboxID: String
    let service: CRIService
    let logger: Logger
    weak var spdy: SPDYServerConnection?
    weak var webSocket: WebSocketServerConnection?
    /// SPDY: by requestID; WebSocket: by port index.
    var forwards: [String: Forward] = [:]
    var streamRequests: [UInt32: String] = [:]
    var closed = false

    init(sandboxID: String, service: CRIService, logger: Logger) {
        self.sandboxID = sandboxID
        self.service = service
        self.logger = logger
    }

    var streamCount: Int { streamRequests.count }
    var channel: (any Channel)? { spdy?.channel ?? webSocket?.channel }

    // MARK: SPDY

    func opened(_ id: UInt32, headers: SPDYHeaders) {
        let requestID = headers["requestid"] ?? ""
        let portText = headers["port"] ?? ""
        streamRequests[id] = requestID
        guard let port = Int(portText), (1...65535).contains(port) else {
            let forward = forwards[requestID] ?? Forward(port: 0)
            forwards[requestID] = forward
            assign(id, type: headers["streamtype"], to: forward)
            fail(forward, "invalid port \"\(portText)\": must be 1-65535")
            return
        }
        let forward = forwards[requestID] ?? Forward(port: port)
        forwards[requestID] = forward
        assign(id, type: headers["streamtype"], to: forward)
        if headers["streamtype"] == "data" { connect(forward) }
    }

    private func assign(_ id: UInt32, type: String?, to forward: Forward) {
        if type == "error" { forward.errorStream = id } else { forward.dataStream = id }
    }

    func data(_ id: UInt32, _ bytes: [UInt8], fin: Bool) {
        guard let requestID = streamRequests[id], let forward = forwards[requestID], id == forward.dataStream else { return }
        toPod(forward, bytes, end: fin)
    }

    /// The client reset a stream (kubectl resets the data stream when a connection is over): the
    /// pod side closes, the error stream ends if it has not, and the pair is forgotten.
    func reset(_ id: UInt32) {
        guard let requestID = streamRequests[id], let forward = forwards[requestID] else { return }
        forward.pod?.close(promise: nil)
        if !forward.finished, let spdy, let errorID = forward.errorStream {
            spdy.write(.data(streamID: errorID, flags: SPDYFrame.fin, bytes: []))
        }
        forward.finished = true
        forwards[requestID] = nil
        for stream in [forward.dataStream, forward.errorStream].compactMap({ $0 }) { streamRequests[stream] = nil }
    }

    // MARK: Both transports

    func toPod(_ forward: Forward, _ bytes: [UInt8], end: Bool) {
        if let pod = forward.pod {
            if !bytes.isEmpty {
                pod.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
                if !pod.isWritable { channel?.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
            }
            if end { pod.close(mode: .output, promise: nil) }
        } else {
            if !bytes.isEmpty { forward.pendingToPod.append(bytes) }
            if end { forward.clientEnded = true }
        }
    }

    func connect(_ forward: Forward) {
        guard let eventLoop = channel?.eventLoop else { return }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let boundForward = NIOLoopBound(forward, eventLoop: eventLoop)
        let service = self.service, sandboxID = self.sandboxID, port = forward.port
        Task {
            do {
                let fd = try await service.connectInPod(sandboxID, port: port)
                eventLoop.execute { bound.value.connected(boundForward.value, fd: fd) }
            } catch {
                let message = CtrError.message(of: error)
                eventLoop.execute {
                    bound.value.fail(boundForward.value, "error forwarding port \(port) to pod \(sandboxID): \(message)")
                }
            }
        }
    }

    func connected(_ forward: Forward, fd: Int32) {
        guard !closed, !forward.finished, let eventLoop = channel?.eventLoop else {
            close(fd)
            return
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let boundForward = NIOLoopBound(forward, eventLoop: eventLoop)
        let writable = channel?.isWritable ?? true
        ClientBootstrap(group: eventLoop)
            .channelOption(.autoRead, value: writable)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SessionIOHandler(
                        onData: { bytes in bound.value.fromPod(boundForward.value, bytes, channel: channel) },
                        onEnd: { bound.value.podEnded(boundForward.value) },
                        onWritable: { bound.value.channel?.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in } }))
                }
            }
            .withConnectedSocket(fd)
            .whenComplete { result in
                let session = bound.value, forward = boundForward.value
                switch result {
                case .success(let pod):
                    forward.pod = pod
                    for bytes in forward.pendingToPod { pod.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil) }
                    forward.pendingToPod = []
                    if forward.clientEnded { pod.close(mode: .output, promise: nil) }
                    if session.closed { pod.close(promise: nil) }
                case .failure(let error):
                    session.fail(forward, "error forwarding port \(forward.port): \(error)")
                }
            }
    }

    func fromPod(_ forward: Forward, _ bytes: [UInt8], channel pod: any Channel) {
        if let spdy, let id = forward.dataStream {
            spdy.sendData(id, bytes)
            if !spdy.channel.isWritable { pod.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
        } else if let webSocket, let index = forward.index {
            webSocket.sendChannel(UInt8(2 * index), bytes)
            if !webSocket.channel.isWritable { pod.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
        }
    }

    func podEnded(_ forward: Forward) {
        guard !forward.finished else { return }
        forward.finished = true
        if let spdy {
            if let id = forward.dataStream { spdy.write(.data(streamID: id, flags: SPDYFrame.fin, bytes: [])) }
            if let id = forward.errorStream { spdy.write(.data(streamID: id, flags: SPDYFrame.fin, bytes: [])) }
        }
    }

    /// Reports a failed forward on its error stream and ends its pair; the session goes on.
    func fail(_ forward: Forward, _ message: String) {
        logger.info("port-forward failed", metadata: ["pod.id": "\(sandboxID)", "error": "\(message)"])
        forward.finished = true
        forward.pod?.close(promise: nil)
        if let spdy {
            if let id = forward.errorStream { spdy.sendData(id, Array(message.utf8), fin: true) }
            if let id = forward.dataStream { spdy.write(.data(streamID: id, flags: SPDYFrame.fin, bytes: [])) }
        } else if let webSocket, let index = forward.index {
            webSocket.sendChannel(UInt8(2 * index + 1), Array(message.utf8))
        }
    }

    func writabilityChanged(_ writable: Bool) {
        for forward in forwards.values {
            forward.pod?.setOption(ChannelOptions.autoRead, value: writable).whenComplete { _ in }
        }
    }

    func connectionClosed() {
        closed = true
        for forward in forwards.values { forward.pod?.close(promise: nil) }
    }

    func abort(_ reason: String) {
        connectionClosed()
        spdy?.closeConnection()
        webSocket?.closeConnection()
    }
}
