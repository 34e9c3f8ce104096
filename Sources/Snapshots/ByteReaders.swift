import CZlib
import CZstd
import Core
internal import Crypto
import Glibc

/// A pull-based byte stream: `read` returns up to `count` bytes, an empty array at the end.
protocol ByteReader: AnyObject {
    func read(_ count: Int) throws(CtrError) -> [UInt8]
}

/// Reads a file descriptor (not owned).
final class FileReader: ByteReader {
    let fd: Int32
    let name: String

    init(fd: Int32, name: String) {
        self.fd = fd
        self.name = name
    }

    func read(_ count: Int) throws(CtrError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let got = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw .internalError("read \(name): \(Errno.current)")
            }
            buffer.removeLast(count - got)
            return buffer
        }
    }
}

/// Passes bytes through while hashing them with SHA-256 and counting them.
final class DigestingReader: ByteReader {
    private let source: any ByteReader
    private var hasher = Crypto.SHA256()
    private(set) var count: Int64 = 0

    init(_ source: any ByteReader) { self.source = source }

    func read(_ count: Int) throws(CtrError) -> [UInt8] {
        let bytes = try source.read(count)
        hasher.update(data: bytes)
        self.count += Int64(bytes.count)
        return bytes
    }

    /// Reads the rest of the stream (so the digest covers it all) and returns the digest.
    func finish() throws(CtrError) -> Core.Digest {
        while try !read(1 << 20).isEmpty {}
        return Core.Digest(sha256Hex: hexEncoded(hasher.finalize()))
    }
}

/// Decompresses gzip (one or more members, as `gzip` concatenates them) with zlib.
final class GzipReader: ByteReader {
    private let source: any ByteReader
    private let name: String
    private var stream = z_stream()
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var sourceDone = false
    private var streamDone = false

    init(_ source: any ByteReader, name: String) throws(CtrError) {
        self.source = source
        self.name = name
        // 15 + 32: a zlib or gzip header, detected automatically, with the largest window.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .internalError("\(name): cannot start gzip decompression")
        }
    }

    deinit { inflateEnd(&stream) }

    func read(_ count: Int) throws(CtrError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        var produced = 0
        while produced == 0 && !streamDone {
            if inputOffset == input.count && !sourceDone {
                input = try source.read(1 << 20)
                inputOffset = 0
                if input.isEmpty { sourceDone = true }
            }
            if inputOffset == input.count && sourceDone {
                throw .invalidArgument("\(name): gzip stream is truncated")
            }
            let (status, consumed, written) = input.withUnsafeMutableBufferPointer { inBuffer in
                output.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_in = inBuffer.baseAddress.map { $0 + inputOffset }
                    stream.avail_in = UInt32(inBuffer.count - inputOffset)
                    stream.next_out = outBuffer.baseAddress.map { $0 + produced }
                    stream.avail_out = UInt32(outBuffer.count - produced)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, inBuffer.count - inputOffset - Int(stream.avail_in),
                            outBuffer.count - produced - Int(stream.avail_out))
                }
            }
            inputOffset += consumed
            produced += written
            switch status {
            case Z_OK, Z_BUF_ERROR:
                continue
            case Z_STREAM_END:
                // Another gzip member may follow; anything else after the end is ignored.
                if inputOffset == input.count && !sourceDone {
                    input = try source.read(1 << 20)
                    inputOffset = 0
                    if input.isEmpty { sourceDone = true }
                }
                if inputOffset < input.count && input[inputOffset] == 0x1f {
                    inflateReset(&stream)
                } else {
                    streamDone = true
                }
            default:
                let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw .invalidArgument("\(name): invalid gzip data: \(reason)")
            }
        }
        output.removeLast(count - produced)
        return output
    }
}

/// Decompresses zstd frames with libzstd.
final class ZstdReader: ByteReader {
    private let source: any ByteReader
    private let name: String
    private let context: OpaquePointer
    private var input: [UInt8] = []
    private var inputOffset = 0
    private var sourceDone = false
    private var frameOpen = false

    init(_ source: any ByteReader, name: String) throws(CtrError) {
        self.source = source
        self.name = name
        guard let context = ZSTD_createDStream() else {
            throw .internalError("\(name): cannot start zstd decompression")
        }
        self.context = context
        ZSTD_initDStream(context)
    }

    deinit { ZSTD_freeDStream(context) }

    func read(_ count: Int) throws(CtrError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        var produced = 0
        while produced == 0 {
            if inputOffset == input.count {
                if sourceDone { break }
                input = try source.read(1 << 20)
                inputOffset = 0
                if input.isEmpty {
                    sourceDone = true
                    if frameOpen { throw .invalidArgument("\(name): zstd stream is truncated") }
                    break
                }
            }
            let (result, consumed, written) = input.withUnsafeBytes { inBytes in
                output.withUnsafeMutableBytes { outBytes in
                    var inBuffer = ZSTD_inBuffer(src: inBytes.baseAddress, size: inBytes.count, pos: inputOffset)
                    var outBuffer = ZSTD_outBuffer(dst: outBytes.baseAddress, size: outBytes.count, pos: produced)
                    let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                    return (result, inBuffer.pos - inputOffset, outBuffer.pos - produced)
                }
            }
            if ZSTD_isError(result) != 0 {
                throw .invalidArgument("\(name): invalid zstd data: \(String(cString: ZSTD_getErrorName(result)))")
            }
            inputOffset += consumed
            produced += written
            frameOpen = result != 0
        }
        output.removeLast(count - produced)
        return output
    }
}

/// Layer media types and how their blobs are compressed.
public enum LayerCompression: Sendable {
    case none, gzip, zstd

    public init(mediaType: String) throws(CtrError) {
        switch mediaType {
        case "application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.nondistributable.v1.tar",
             "application/vnd.docker.image.rootfs.diff.tar":
            self = .none
        case "application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
             "application/vnd.docker.image.rootfs.diff.tar.gzip", "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip":
            self = .gzip
        case "application/vnd.oci.image.layer.v1.tar+zstd", "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd":
            self = .zstd
        default:
            throw .invalidArgument("unsupported layer media type \"\(mediaType)\"")
        }
    }

    func reader(_ source: any ByteReader, name: String) throws(CtrError) -> any ByteReader {
        switch self {
        case .none: return source
        case .gzip: return try GzipReader(source, name: name)
        case .zstd: return try ZstdReader(source, name: name)
        }
    }
}
