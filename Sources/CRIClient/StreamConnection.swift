import CLinux
import Core
import FoundationEssentials
import Glibc
import Streaming

/// A connection to a runtime's stream server (the URL an Exec, Attach or PortForward call
/// returned), upgraded to SPDY/3.1 or WebSocket. Blocking connect and handshake; afterwards the
/// socket is non-blocking and the caller's poll loop drives it.
public struct StreamConnection: ~Copyable {
    public enum Transport: String, Sendable, CaseIterable {
        case spdy, websocket
    }

    public let fd: Int32
    /// The protocol the server chose (`v4.channel.k8s.io`, `portforward.k8s.io`, …).
    public let protocolName: String
    public let transport: Transport
    /// Bytes that arrived after the server's response head.
    public var leftover: [UInt8]

    /// Connects to `url` and asks to upgrade, offering `protocols` (preferred first).
    public init(url: String, transport: Transport, protocols: [String], timeout: Duration = .seconds(10)) throws(CtrError) {
        let secure = url.hasPrefix("https://")
        guard secure || url.hasPrefix("http://") else {
            throw .invalidArgument("stream URL \"\(url)\": not an http:// or https:// URL")
        }
        let rest = url.dropFirst(secure ? "https://".count : "http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = String(rest[..<slash])
        let target = slash == rest.endIndex ? "/" : String(rest[slash...])
        let (host, port) = try Self.split(authority, url: url, defaultPort: secure ? 443 : 80)
        let fd: Int32
        if secure {
            fd = try TLSTunnel.open(host: host, port: port, timeout: timeout)
            var receive = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &receive, socklen_t(MemoryLayout<timeval>.size))
        } else {
            fd = try Self.dial(host: host, port: port, timeout: timeout)
        }
        var fields: [(String, String)] = [("Host", authority)]
        var method = "POST"
        var key = ""
        switch transport {
        case .spdy:
            fields += [("Connection", "Upgrade"), ("Upgrade", "SPDY/3.1")]
            fields += protocols.map { ("X-Stream-Protocol-Version", $0) }
            fields.append(("Content-Length", "0"))
        case .websocket:
            method = "GET"
            key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            fields += [("Connection", "Upgrade"), ("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13"),
                       ("Sec-WebSocket-Key", key), ("Sec-WebSocket-Protocol", protocols.joined(separator: ", "))]
        }
        do {
            if let error = FileIO.writeAll(fd, HTTPHead(line: [method, target, "HTTP/1.1"], fields: fields).serialized()[...]) {
                throw CtrError.unavailable("stream server at \(authority): \(Errno(error))")
            }
            var buffer: [UInt8] = []
            var head: HTTPHead?
            while head == nil {
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard count > 0 else { throw CtrError.unavailable("stream server at \(authority) closed the connection during the upgrade") }
                buffer += chunk[0..<count]
                head = try HTTPHead.take(from: &buffer)
            }
            guard let head else { throw CtrError.internalError("no response head") }
            guard head.line.count >= 2, head.line[1] == "101" else {
                var body = buffer
                var chunk = [UInt8](repeating: 0, count: 4096)
                while body.count < 4096 {
                    let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if count <= 0 { break }
                    body += chunk[0..<count]
                }
                let status = head.line.dropFirst().joined(separator: " ")
                let text = String(decoding: body, as: UTF8.self).trimmed
                let code: CtrError.Code = head.line.count >= 2 && head.line[1] == "404" ? .notFound : .unavailable
                throw CtrError(code, "stream server answered \(status)" + (text.isEmpty ? "" : ": \(text)"))
            }
            let chosen = transport == .spdy ? head.value("x-stream-protocol-version") : head.value("sec-websocket-protocol")
            if transport == .websocket, head.value("sec-websocket-accept") != HTTPHead.webSocketAccept(key: key) {
                throw CtrError.unavailable("stream server at \(authority): wrong Sec-WebSocket-Accept")
            }
            self.protocolName = chosen ?? (protocols.last ?? "")
            self.leftover = buffer
        } catch {
            close(fd)
            throw error as? CtrError ?? CtrError.internalError("\(error)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        self.fd = fd
        self.transport = transport
    }

    deinit { close(fd) }

    static func split(_ authority: String, url: String, defaultPort: UInt16) throws(CtrError) -> (String, UInt16) {
        var host = authority
        var port = defaultPort
        if authority.hasPrefix("["), let end = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<end])
            let after = authority[authority.index(after: end)...]
            if after.hasPrefix(":") {
                guard let value = UInt16(after.dropFirst()) else { throw .invalidArgument("stream URL \"\(url)\": bad port") }
                port = value
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let value = UInt16(authority[authority.index(after: colon)...]) else {
                throw .invalidArgument("stream URL \"\(url)\": bad port")
            }
            port = value
        }
        return (host, port)
    }

    static func isIPLiteral(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// A blocking TCP connection to `host:port` (name resolution through getaddrinfo).
    static func dial(host: String, port: UInt16, timeout: Duration) throws(CtrError) -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .unavailable("stream server \(host):\(port): cannot resolve: \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = Errno(ECONNREFUSED)
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            entry = current.pointee.ai_next
            let fd = socket(current.pointee.ai_family, current.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            var seconds = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &seconds, socklen_t(MemoryLayout<timeval>.size))
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if connect(fd, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 {
                var none = timeval(tv_sec: 0, tv_usec: 0)
                _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, socklen_t(MemoryLayout<timeval>.size))
                var receive = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
                _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &receive, socklen_t(MemoryLayout<timeval>.size))
                return fd
            }
            lastError = Errno.current
            close(fd)
        }
        throw .unavailable("cannot connect to the stream server at \(host):\(port): \(lastError)")
    }
}

/// What one read of a descriptor that poll found ready gave: bytes, nothing yet (EAGAIN), or its
/// end (end of file, or a failure).
enum ReadyRead {
    case bytes([UInt8])
    case nothing
    case end

    init(_ fd: Int32, upTo count: Int) {
        var buffer = [UInt8](repeating: 0, count: count)
        switch FileIO.readSome(fd, into: &buffer) {
        case .success(0): self = .end
        case .success(let read): self = .bytes(Array(buffer[..<read]))
        case .failure(let error): self = error.code == EAGAIN ? .nothing : .end
        }
    }
}

/// Bytes waiting to go out on a non-blocking socket.
struct OutgoingBuffer {
    var bytes: [UInt8] = []
    var offset = 0

    var pending: Int { bytes.count - offset }

    mutating func append(_ more: [UInt8]) {
        if offset > 0 && offset == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            offset = 0
        }
        bytes += more
    }

    /// Writes what the socket takes now; false when the socket failed.
    mutating func flush(_ fd: Int32) -> Bool {
        while pending > 0 {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written > 0 {
                offset += written
            } else if written < 0 && (errno == EAGAIN || errno == EINTR) {
                return true
            } else {
                return false
            }
        }
        if offset > 1 << 20 {
            bytes.removeFirst(offset)
            offset = 0
        }
        return true
    }
}
