import Core

/// A SPDY/3.1 frame (SPDY Protocol Draft 3.1, section 2.6), as Kubernetes' streaming clients and
/// servers (moby/spdystream) exchange them. Control frames start with the high bit set, the
/// version (3) and a type; data frames with a 31-bit stream ID. Both carry 8 bits of flags and a
/// 24-bit length.
public enum SPDYFrame: Sendable, Equatable {
    case synStream(streamID: UInt32, associatedTo: UInt32, flags: UInt8, headers: SPDYHeaders)
    case synReply(streamID: UInt32, flags: UInt8, headers: SPDYHeaders)
    case rstStream(streamID: UInt32, status: UInt32)
    case settings(flags: UInt8, entries: [Setting])
    case ping(id: UInt32)
    case goAway(lastGoodStreamID: UInt32, status: UInt32)
    case headers(streamID: UInt32, flags: UInt8, headers: SPDYHeaders)
    case windowUpdate(streamID: UInt32, delta: UInt32)
    case data(streamID: UInt32, flags: UInt8, bytes: [UInt8])
    /// A control frame of a type SPDY/3.1 does not define (ignored, as the draft says).
    case unknown(type: UInt16)

    public struct Setting: Sendable, Equatable {
        public var flags: UInt8
        public var id: UInt32
        public var value: UInt32
    }

    /// FLAG_FIN: the sender's last frame on the stream.
    public static let fin: UInt8 = 0x01
    /// FLAG_UNIDIRECTIONAL (SYN_STREAM): the recipient may not send on the stream.
    public static let unidirectional: UInt8 = 0x02

    /// RST_STREAM and GOAWAY status codes used here.
    public enum Status {
        public static let protocolError: UInt32 = 1
        public static let invalidStream: UInt32 = 2
        public static let refusedStream: UInt32 = 3
        public static let cancel: UInt32 = 5
        public static let internalError: UInt32 = 6
        public static let flowControlError: UInt32 = 7
    }

    /// The largest frame payload accepted and written (the length field allows 16 MiB - 1).
    public static let maxPayload = 1 << 20
}

/// Writes frames, compressing header blocks in the session's outgoing zlib stream.
public final class SPDYFrameWriter {
    private let deflater = SPDYHeaderDeflater()

    public init() {}

    public func encode(_ frame: SPDYFrame) throws(CtrError) -> [UInt8] {
        switch frame {
        case .data(let streamID, let flags, let bytes):
            var out: [UInt8] = []
            out.reserveCapacity(8 + bytes.count)
            out.appendUInt32(streamID & 0x7fff_ffff)
            out.append(flags)
            out.appendLength(bytes.count)
            out.append(contentsOf: bytes)
            return out
        case .synStream(let streamID, let associatedTo, let flags, let headers):
            var body: [UInt8] = []
            body.appendUInt32(streamID & 0x7fff_ffff)
            body.appendUInt32(associatedTo & 0x7fff_ffff)
            body.append(contentsOf: [0, 0])  // priority 0, slot 0
            body.append(contentsOf: try deflater.compress(headers.serialized()))
            return control(1, flags, body)
        case .synReply(let streamID, let flags, let headers):
            return try headerFrame(2, streamID, flags, headers)
        case .rstStream(let streamID, let status):
            return control(3, 0, words(streamID & 0x7fff_ffff, status))
        case .settings(let flags, let entries):
            var body: [UInt8] = []
            body.appendUInt32(UInt32(entries.count))
            for entry in entries {
                body.appendUInt32(UInt32(entry.flags) << 24 | entry.id & 0xff_ffff)
                body.appendUInt32(entry.value)
            }
            return control(4, flags, body)
        case .ping(let id):
            return control(6, 0, words(id))
        case .goAway(let lastGood, let status):
            return control(7, 0, words(lastGood & 0x7fff_ffff, status))
        case .headers(let streamID, let flags, let headers):
            return try headerFrame(8, streamID, flags, headers)
        case .windowUpdate(let streamID, let delta):
            return control(9, 0, words(streamID & 0x7fff_ffff, delta & 0x7fff_ffff))
        case .unknown:
            throw .invalidArgument("spdy: cannot write a frame of unknown type")
        }
    }

    /// SYN_REPLY and HEADERS: a stream ID, then the compressed header block.
    private func headerFrame(_ type: UInt16, _ streamID: UInt32, _ flags: UInt8, _ headers: SPDYHeaders) throws(CtrError)
        -> [UInt8]
    {
        var body: [UInt8] = []
        body.appendUInt32(streamID & 0x7fff_ffff)
        body.append(contentsOf: try deflater.compress(headers.serialized()))
        return control(type, flags, body)
    }

    private func words(_ values: UInt32...) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in values { bytes.appendUInt32(value) }
        return bytes
    }

    private func control(_ type: UInt16, _ flags: UInt8, _ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x80, 0x03, UInt8(type >> 8), UInt8(type & 0xff), flags]
        out.appendLength(body.count)
        out.append(contentsOf: body)
        return out
    }
}

/// Reads frames from a byte stream that arrives in pieces, inflating header blocks in the
/// session's incoming zlib stream. Frames larger than `SPDYFrame.maxPayload` and control frames
/// of another SPDY version are protocol errors.
public final class SPDYFrameReader {
    private let inflater = SPDYHeaderInflater()
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    public func append(_ bytes: some Collection<UInt8>) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Bytes received but not yet part of a whole frame.
    public var pending: Int { buffer.count - start }

    /// The next whole frame, or nil until more bytes arrive.
    public func next() throws(CtrError) -> SPDYFrame? {
        guard pending >= 8 else { return nil }
        let head = buffer[start..<start + 8]
        let length = Int(head[head.startIndex + 5]) << 16 | Int(head[head.startIndex + 6]) << 8 | Int(head[head.startIndex + 7])
        guard length <= SPDYFrame.maxPayload else {
            throw .invalidArgument("spdy: frame of \(length) bytes exceeds \(SPDYFrame.maxPayload)")
        }
        guard pending >= 8 + length else { return nil }
        let first = head[head.startIndex]
        let flags = head[head.startIndex + 4]
        let body = Array(buffer[start + 8..<start + 8 + length])
        start += 8 + length
        if start > 65536 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        let word0 = head[head.startIndex..<head.startIndex + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        if first & 0x80 == 0 {
            return .data(streamID: word0 & 0x7fff_ffff, flags: flags, bytes: body)
        }
        let version = UInt16(word0 >> 16) & 0x7fff
        guard version == 3 else { throw .invalidArgument("spdy: control frame of version \(version), expected 3") }
        return try control(type: UInt16(word0 & 0xffff), flags: flags, body: body)
    }

    private func control(type: UInt16, flags: UInt8, body: [UInt8]) throws(CtrError) -> SPDYFrame {
        var cursor = ByteCursor(body)
        switch type {
        case 1:
            let id = try cursor.uint32() & 0x7fff_ffff
            let associated = try cursor.uint32() & 0x7fff_ffff
            _ = try cursor.bytes(2)
            let headers = try SPDYHeaders.parse(inflater.decompress(cursor.rest()))
            return .synStream(streamID: id, associatedTo: associated, flags: flags, headers: headers)
        case 2:
            let id = try cursor.uint32() & 0x7fff_ffff
            return .synReply(streamID: id, flags: flags, headers: try SPDYHeaders.parse(inflater.decompress(cursor.rest())))
        case 3:
            return .rstStream(streamID: try cursor.uint32() & 0x7fff_ffff, status: try cursor.uint32())
        case 4:
            let count = try cursor.uint32()
            guard Int(count) * 8 <= cursor.remaining else { throw .invalidArgument("spdy: SETTINGS frame too short") }
            var entries: [SPDYFrame.Setting] = []
            for _ in 0..<count {
                let word = try cursor.uint32()
                entries.append(.init(flags: UInt8(word >> 24), id: word & 0xff_ffff, value: try cursor.uint32()))
            }
            return .settings(flags: flags, entries: entries)
        case 6:
            return .ping(id: try cursor.uint32())
        case 7:
            let last = try cursor.uint32() & 0x7fff_ffff
            return .goAway(lastGoodStreamID: last, status: cursor.remaining >= 4 ? try cursor.uint32() : 0)
        case 8:
            let id = try cursor.uint32() & 0x7fff_ffff
            return .headers(streamID: id, flags: flags, headers: try SPDYHeaders.parse(inflater.decompress(cursor.rest())))
        case 9:
            return .windowUpdate(streamID: try cursor.uint32() & 0x7fff_ffff, delta: try cursor.uint32() & 0x7fff_ffff)
        default:
            return .unknown(type: type)
        }
    }
}

extension Array where Element == UInt8 {
    mutating func appendLength(_ count: Int) {
        append(contentsOf: [UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)])
    }
}
