import CLinux
import Core
import Glibc
import Streaming

/// The client side of port-forward over SPDY (`portforward.k8s.io`): listens on local ports and
/// carries each accepted connection as a `data` and an `error` stream of one session, as kubectl
/// does. Runs until the session ends.
public struct PortForwardClient: Sendable {
    public struct Mapping: Sendable {
        public var local: UInt16
        public var remote: UInt16

        public init(local: UInt16, remote: UInt16) {
            self.local = local
            self.remote = remote
        }
    }

    public var mappings: [Mapping]
    public var address: String

    public init(mappings: [Mapping], address: String = "127.0.0.1") {
        self.mappings = mappings
        self.address = address
    }

    /// One forwarded connection: the local socket, and its data and error streams.
    final class Forward {
        let fd: Int32
        let dataStream: UInt32
        let errorStream: UInt32
        /// The local side sent its end.
        var localDone = false
        /// The runtime ended the data stream (or reset it, or reported an error).
        var remoteDone = false
        /// The error stream ended: a runtime may report a failure after ending the data stream,
        /// so the entry stays until then.
        var errorDone = false
        /// The local socket is closed and the data stream reset.
        var closed = false
        /// Until then (monotonic nanoseconds) the local side is not read: see `holdNanoseconds`.
        var holdUntil: UInt64

        init(fd: Int32, dataStream: UInt32, errorStream: UInt32, holdUntil: UInt64) {
            self.fd = fd
            self.dataStream = dataStream
            self.errorStream = errorStream
            self.holdUntil = holdUntil
        }

        /// Done both ways, or failed: time to close the local side and reset the data stream.
        var over: Bool { localDone && remoteDone }

    }

    /// How long a new forward waits before sending the local side's first bytes, unless the pod
    /// speaks first. A runtime that cannot connect in the pod reports it within milliseconds, and
    /// data sent on that dead stream stalls containerd 1.6's whole session (its spdystream hands a
    /// stream's data to a reader that never comes, blocking a frame worker that other streams
    /// share). Waiting this long first means a failed forward gets an end, not data.
    static let holdNanoseconds: UInt64 = 100_000_000

    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Binds every local port (0: a free one); returns the listening sockets with their ports.
    public func listen() throws(CtrError) -> [(fd: Int32, local: UInt16, remote: UInt16)] {
        var result: [(Int32, UInt16, UInt16)] = []
        for mapping in mappings {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw .internalError("socket: \(Errno.current)") }
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = in_port_t(mapping.local.bigEndian)
            guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else {
                throw .invalidArgument("invalid listen address \"\(address)\" (an IPv4 address)")
            }
            let bound = withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0, Glibc.listen(fd, 128) == 0 else {
                let error = Errno.current
                close(fd)
                throw .unavailable("listen on \(address):\(mapping.local): \(error)")
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
            }
            result.append((fd, UInt16(bigEndian: socketAddress.sin_port), mapping.remote))
        }
        return result
    }

    /// Serves `listeners` over `connection` until the session ends (an error says why).
    public func run(_ connection: borrowing StreamConnection, listeners: [(fd: Int32, local: UInt16, remote: UInt16)],
                    report: (String) -> Void) throws(CtrError) {
        guard connection.transport == .spdy else {
            throw .invalidArgument("a WebSocket port-forward carries one connection: use forwardOverWebSocket per connection")
        }
        let reader = SPDYFrameReader()
        let writer = SPDYFrameWriter()
        var outgoing = OutgoingBuffer()
        var forwards: [UInt32: Forward] = [:]
        var nextStream: UInt32 = 1
        var nextRequest = 0
        var pending = connection.leftover
        while true {
            if !pending.isEmpty {
                reader.append(pending)
                pending = []
                while let frame = try reader.next() {
                    switch frame {
                    case .data(let id, let flags, let bytes):
                        guard let forward = forwards[id] else { continue }
                        if id == forward.errorStream {
                            if !bytes.isEmpty {
                                report("error: " + String(decoding: bytes, as: UTF8.self))
                                forward.remoteDone = true
                                forward.localDone = true
                            }
                            if flags & SPDYFrame.fin != 0 { forward.errorDone = true }
                        } else if !forward.closed, !bytes.isEmpty {
                            forward.holdUntil = 0  // the pod spoke: the connection is up
                            if FileIO.writeAll(forward.fd, bytes[...]) != nil {
                                forward.remoteDone = true
                                forward.localDone = true
                            }
                        }
                        if flags & SPDYFrame.fin != 0 && id == forward.dataStream && !forward.remoteDone {
                            forward.remoteDone = true
                            _ = shutdown(forward.fd, Int32(SHUT_WR))
                        }
                    case .rstStream(let id, _):
                        if let forward = forwards[id] {
                            forward.remoteDone = true
                            forward.localDone = true
                            if id == forward.errorStream { forward.errorDone = true }
                        }
                    case .ping(let id):
                        outgoing.append(try writer.encode(.ping(id: id)))
                    case .goAway:
                        throw .unavailable("the stream server ended the port-forward session")
                    default:
                        break
                    }
                }
            }
            // A forward that is over closes its local side and resets its data stream, as kubectl
            // does: data the runtime has not read yet is discarded instead of holding up the session
            // (Kubernetes' spdystream stalls other streams behind a stream nobody reads).
            for (id, forward) in forwards where id == forward.dataStream {
                if forward.over && !forward.closed {
                    forward.closed = true
                    close(forward.fd)
                    outgoing.append(try writer.encode(.rstStream(streamID: forward.dataStream, status: SPDYFrame.Status.cancel)))
                }
                if forward.closed && forward.errorDone {
                    forwards[forward.dataStream] = nil
                    forwards[forward.errorStream] = nil
                }
            }
            var locals: [Forward] = []
            let now = Self.now()
            var wake: UInt64?
            for (id, forward) in forwards where id == forward.dataStream && !forward.localDone && !forward.closed {
                if forward.holdUntil > now {
                    wake = min(wake ?? forward.holdUntil, forward.holdUntil)
                } else {
                    locals.append(forward)
                }
            }
            let timeout = wake.map { Int32(min(1000, ($0 - now) / 1_000_000 + 1)) } ?? -1
            var fds = [pollfd(fd: connection.fd, events: Int16(POLLIN) | (outgoing.pending > 0 ? Int16(POLLOUT) : 0), revents: 0)]
            fds += listeners.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let reading = outgoing.pending < 256 << 10
            fds += locals.map { pollfd(fd: reading ? $0.fd : -1, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), timeout) >= 0 || errno == EINTR else { throw .internalError("poll: \(Errno.current)") }
            if outgoing.pending > 0, !outgoing.flush(connection.fd) {
                throw .unavailable("lost the connection to the stream server")
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                switch ReadyRead(connection.fd, upTo: 65536) {
                case .bytes(let bytes): pending = bytes
                case .nothing: break
                case .end: throw .unavailable("lost the connection to the stream server")
                }
            }
            for (index, listener) in listeners.enumerated() where fds[1 + index].revents & Int16(POLLIN) != 0 {
                let fd = ctr_accept_cloexec(listener.fd)
                guard fd >= 0 else { continue }
                let errorID = nextStream, dataID = nextStream + 2
                nextStream += 4
                let requestID = String(nextRequest)
                nextRequest += 1
                let forward = Forward(fd: fd, dataStream: dataID, errorStream: errorID, holdUntil: Self.now() + Self.holdNanoseconds)
                forwards[dataID] = forward
                forwards[errorID] = forward
                for (id, type) in [(errorID, "error"), (dataID, "data")] {
                    outgoing.append(try writer.encode(.synStream(streamID: id, associatedTo: 0, flags: 0, headers: SPDYHeaders([
                        ("streamType", type), ("port", String(listener.remote)), ("requestID", requestID),
                    ]))))
                    // Nothing is ever sent on the error stream: its sending side ends at once.
                    if type == "error" { outgoing.append(try writer.encode(.data(streamID: id, flags: SPDYFrame.fin, bytes: []))) }
                }
                report("Handling connection for \(listener.local)")
            }
            for (index, forward) in locals.enumerated() where fds[1 + listeners.count + index].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                switch ReadyRead(forward.fd, upTo: 32768) {
                case .bytes(let bytes):
                    if !forward.remoteDone {
                        outgoing.append(try writer.encode(.data(streamID: forward.dataStream, flags: 0, bytes: bytes)))
                    }
                case .nothing:
                    break
                case .end:
                    forward.localDone = true
                    if !forward.remoteDone {
                        outgoing.append(try writer.encode(.data(streamID: forward.dataStream, flags: SPDYFrame.fin, bytes: [])))
                    }
                }
            }
        }
    }

    /// Waits for the next connection on a listening socket (-1 when accept failed).
    public static func accept(_ listener: Int32) -> Int32 { ctr_accept_cloexec(listener) }

    /// The WebSocket protocols offered for port-forward, as Kubernetes' clients offer them.
    public static let webSocketProtocols = ["v4.channel.k8s.io", "channel.k8s.io"]

    /// Carries one accepted local connection (`fd`, closed on return) to `remote` in the pod
    /// over a WebSocket session of its own: `url` (from a PortForward call of its own: a stream
    /// URL is good for one session) with `?port=`. Channel 0 carries the data, channel 1 the
    /// runtime's error; each starts with the port number. A WebSocket port-forward has no
    /// half-close: after the local side ends, the session lasts until the pod's side ends.
    /// Returns the runtime's error text, if it sent one.
    public static func forwardOverWebSocket(fd: Int32, url: String, remote: UInt16) throws(CtrError) -> String? {
        defer { close(fd) }
        let separator = url.contains("?") ? "&" : "?"
        let connection = try StreamConnection(url: url + separator + "port=\(remote)", transport: .websocket,
                                              protocols: webSocketProtocols)
        let reader = WebSocketFrameReader(expectMasked: false)
        let writer = WebSocketFrameWriter(masking: true)
        var outgoing = OutgoingBuffer()
        var seenHeader: Set<UInt8> = []
        var errorText: [UInt8] = []
        var localOpen = true
        var pending = connection.leftover
        while true {
            if !pending.isEmpty {
                reader.append(pending)
                pending = []
                while let message = try reader.next() {
                    switch message.kind {
                    case .binary, .text:
                        guard let channel = message.payload.first else { continue }
                        var bytes = message.payload.dropFirst()
                        // The first two bytes of each channel name its port (little-endian).
                        if !seenHeader.contains(channel) {
                            seenHeader.insert(channel)
                            bytes = bytes.dropFirst(2)
                        }
                        if channel == 0, !bytes.isEmpty {
                            if FileIO.writeAll(fd, bytes) != nil { return nil }
                        } else if channel == 1 {
                            errorText += bytes
                        }
                    case .ping:
                        outgoing.append(writer.encode(WebSocketMessage(.pong, message.payload)))
                    case .close:
                        _ = outgoing.flush(connection.fd)
                        return errorText.isEmpty ? nil : String(decoding: errorText, as: UTF8.self)
                    case .pong, .continuation:
                        break
                    }
                }
                if !errorText.isEmpty { return String(decoding: errorText, as: UTF8.self) }
            }
            let reading = localOpen && outgoing.pending < 256 << 10
            var fds = [pollfd(fd: connection.fd, events: Int16(POLLIN) | (outgoing.pending > 0 ? Int16(POLLOUT) : 0), revents: 0),
                       pollfd(fd: reading ? fd : -1, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 2, -1) >= 0 || errno == EINTR else { throw .internalError("poll: \(Errno.current)") }
            if outgoing.pending > 0, !outgoing.flush(connection.fd) {
                throw .unavailable("lost the connection to the stream server")
            }
            if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                switch ReadyRead(connection.fd, upTo: 65536) {
                case .bytes(let bytes): pending = bytes
                case .nothing: break
                case .end: return errorText.isEmpty ? nil : String(decoding: errorText, as: UTF8.self)
                }
            }
            if fds[1].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                switch ReadyRead(fd, upTo: 32768) {
                case .bytes(let bytes): outgoing.append(writer.encode(WebSocketMessage(.binary, [0] + bytes)))
                case .nothing: break
                case .end: localOpen = false
                }
            }
        }
    }
}
