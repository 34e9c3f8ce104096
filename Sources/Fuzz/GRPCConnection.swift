import Core
import Glibc
import GRPCCore
import NIOCore
import Transport

/// The `grpc` target: a client connection to the daemon's own gRPC server transport, on a Unix
/// socket, with the frames a hostile client could send. The input is read as a list of
/// operations (request headers, DATA with raw bytes or with gRPC length prefixes that may lie,
/// client trailers, resets, window updates, PING and SETTINGS, raw bytes), each encoded as valid
/// HTTP/2 framing so that the fuzzer reaches the message framing behind the HTTP/2 layer, not
/// only the frame parser. The server echoes every request message (a task per call, as the
/// daemon's services run) or answers inline (as the CRI list calls are answered). The
/// connection is then half-closed and read until the server closes it: a crash or a hang of
/// the server is the bug.
enum GRPCConnectionTarget {
    static let paths = ["/fuzz.Echo/Stream", "/fuzz.Echo/Inline", "/fuzz.Echo/", "/x", ""]

    /// The server, started on first use and kept for the process.
    static let server: String? = {
        let path = "/tmp/ctr-fuzz-grpc-\(getpid()).sock"
        unlink(path)
        var settings = UnixGRPCTransport.Settings(maxRequestSize: 1 << 16, windowSize: 65_535, maxFrameSize: 16_384,
                                                  maxConcurrentStreams: 100)
        settings.prefaceTimeout = .seconds(5)
        // Requests of odd length are declined and go to the handler below, as a task.
        let inline = InlineUnaryMethod { request in
            request.readableBytes % 2 == 1 ? nil : .success(WireBytes(received: request))
        }
        let transport = UnixGRPCTransport(path: path, settings: settings, inlineMethods: ["/fuzz.Echo/Inline": inline])
        Task {
            try? await transport.listen { stream, _ in
                do {
                    try await stream.outbound.write(.metadata([:]))
                    for try await part in stream.inbound {
                        if case .message(let bytes) = part { try await stream.outbound.write(.message(bytes)) }
                    }
                    try await stream.outbound.write(.status(Status(code: .ok, message: ""), [:]))
                    await stream.outbound.finish()
                } catch {
                    await stream.outbound.finish(throwing: error)
                }
            }
        }
        for _ in 0..<500 {
            if UnixSocket.probe(path) == nil {
                atexit { unlink("/tmp/ctr-fuzz-grpc-\(getpid()).sock") }
                return path
            }
            usleep(10_000)
        }
        return nil
    }()

    static func run(_ input: [UInt8]) {
        guard let path = server else {
            StandardError.write("ctr-fuzz grpc: the server did not start\n")
            exit(1)
        }
        var client = Frames()
        client.bytes += Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        client.frame(type: 4, flags: 0, stream: 0, payload: [])
        var input = Reader(input)
        while let op = input.byte() {
            let stream = UInt32(input.byte() ?? 0) % 4 * 2 + 1
            switch op % 8 {
            case 0:
                let path = paths[Int(input.byte() ?? 0) % paths.count]
                let endStream = op & 0x80 != 0
                client.frame(type: 1, flags: 0x4 | (endStream ? 0x1 : 0), stream: stream, payload: Frames.request(path))
            case 1:
                // DATA of raw bytes, perhaps padded.
                let count = Int(input.byte() ?? 0)
                var payload = input.take(count)
                var flags: UInt8 = op & 0x80 != 0 ? 0x1 : 0
                if op & 0x40 != 0 {
                    let padding = Int(input.byte() ?? 0)
                    payload = [UInt8(padding)] + payload + [UInt8](repeating: 0, count: padding)
                    flags |= 0x8
                }
                client.frame(type: 0, flags: flags, stream: stream, payload: payload)
            case 2:
                // A gRPC message: flag, a length that may not be the payload's, the payload; the
                // whole split into DATA frames at a point the input chooses.
                let flag = input.byte() ?? 0
                let count = Int(input.byte() ?? 0)
                let claimed = op & 0x40 != 0 ? UInt32(count) : input.uint32()
                let message = [flag & 1] + Frames.bigEndian(claimed) + input.take(count)
                let split = min(Int(input.byte() ?? 255), message.count)
                client.frame(type: 0, flags: 0, stream: stream, payload: Array(message[..<split]))
                client.frame(type: 0, flags: op & 0x80 != 0 ? 0x1 : 0, stream: stream, payload: Array(message[split...]))
            case 3:
                // Client trailers: end of stream, perhaps inside a message.
                client.frame(type: 1, flags: 0x5, stream: stream, payload: Frames.literal("x-trailer", "1"))
            case 4:
                client.frame(type: 3, flags: 0, stream: stream, payload: Frames.bigEndian(UInt32(input.byte() ?? 0)))
            case 5:
                let target = op & 0x80 != 0 ? 0 : stream
                client.frame(type: 8, flags: 0, stream: target, payload: Frames.bigEndian(input.uint32() & 0x7fff_ffff))
            case 6:
                if op & 0x80 != 0 {
                    client.frame(type: 6, flags: op & 0x40 != 0 ? 0x1 : 0, stream: 0, payload: input.take(8))
                } else {
                    // SETTINGS: identifier and value pairs as the input gives them.
                    client.frame(type: 4, flags: op & 0x40 != 0 ? 0x1 : 0, stream: 0,
                                 payload: input.take(Int(input.byte() ?? 0) % 5 * 6))
                }
            default:
                client.bytes += input.take(Int(input.byte() ?? 0))
            }
        }
        exchange(path, client.bytes)
    }

    /// Writes everything, half-closes, and reads until the server closes (a hang is the fuzzer's
    /// timeout).
    static func exchange(_ path: String, _ bytes: [UInt8]) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { break }
            offset += written
            // The server may stop reading until its answers are read.
            _ = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        }
        shutdown(fd, Int32(SHUT_WR))
        while recv(fd, &buffer, buffer.count, 0) > 0 {}
    }

    /// HTTP/2 frames as bytes.
    struct Frames {
        var bytes: [UInt8] = []

        mutating func frame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) {
            let length = UInt32(payload.count)
            bytes += [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags]
            bytes += Self.bigEndian(stream)
            bytes += payload
        }

        static func bigEndian(_ value: UInt32) -> [UInt8] {
            [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
        }

        /// A request's header block: literal fields without indexing (HPACK, RFC 7541 6.2.2).
        static func request(_ path: String) -> [UInt8] {
            literal(":method", "POST") + literal(":scheme", "http") + literal(":path", path)
                + literal(":authority", "fuzz") + literal("content-type", "application/grpc") + literal("te", "trailers")
        }

        static func literal(_ name: String, _ value: String) -> [UInt8] {
            [0] + string(Array(name.utf8)) + string(Array(value.utf8))
        }

        /// A string without Huffman coding: its length as a 7-bit prefix integer, then the bytes.
        static func string(_ text: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var length = text.count
            if length < 127 {
                out.append(UInt8(length))
            } else {
                out.append(127)
                length -= 127
                while length >= 128 {
                    out.append(UInt8(length % 128 + 128))
                    length /= 128
                }
                out.append(UInt8(length))
            }
            return out + text
        }
    }

    /// The fuzzer's bytes, taken from the front.
    struct Reader {
        private var bytes: ArraySlice<UInt8>

        init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

        mutating func byte() -> UInt8? { bytes.popFirst() }

        mutating func take(_ count: Int) -> [UInt8] {
            let taken = bytes.prefix(count)
            bytes = bytes.dropFirst(count)
            return Array(taken)
        }

        mutating func uint32() -> UInt32 {
            take(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }
    }
}
