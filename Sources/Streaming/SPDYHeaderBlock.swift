import CZlib
import Core

/// A SPDY/3 header block: name/value pairs, names lower-case, several values of one name joined by
/// NUL. Encoded as a 32-bit count, then a 32-bit length and bytes for each name and each value.
public struct SPDYHeaders: Sendable, Equatable {
    public var pairs: [(name: String, value: String)]

    public init(_ pairs: [(name: String, value: String)] = []) {
        self.pairs = pairs.map { ($0.name.lowercased(), $0.value) }
    }

    /// The first value of `name` (case-insensitive).
    public subscript(_ name: String) -> String? {
        let wanted = name.lowercased()
        return pairs.first { $0.name == wanted }.map { String($0.value.split(separator: "\0", omittingEmptySubsequences: false).first ?? "") }
    }

    public static func == (lhs: SPDYHeaders, rhs: SPDYHeaders) -> Bool {
        lhs.pairs.count == rhs.pairs.count && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    func serialized() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendUInt32(UInt32(pairs.count))
        for (name, value) in pairs {
            bytes.appendUInt32(UInt32(name.utf8.count))
            bytes.append(contentsOf: name.utf8)
            bytes.appendUInt32(UInt32(value.utf8.count))
            bytes.append(contentsOf: value.utf8)
        }
        return bytes
    }

    static func parse(_ bytes: [UInt8]) throws(CtrError) -> SPDYHeaders {
        var cursor = ByteCursor(bytes)
        let count = try cursor.uint32()
        guard count <= 1024 else { throw .invalidArgument("spdy: header block with \(count) headers") }
        var pairs: [(name: String, value: String)] = []
        for _ in 0..<count {
            let name = try cursor.bytes(Int(try cursor.uint32()))
            let value = try cursor.bytes(Int(try cursor.uint32()))
            guard !name.isEmpty else { throw .invalidArgument("spdy: header with an empty name") }
            pairs.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        return SPDYHeaders(pairs)
    }
}

/// One direction's header compression: a zlib stream primed with SPDY's dictionary, flushed after
/// every block, alive for the whole session (SPDY/3 §2.6.10).
final class SPDYHeaderDeflater {
    private var stream = z_stream()
    private var ready = false

    init() {
        ready = deflateInit2_(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                              Int32(MemoryLayout<z_stream>.size)) == Z_OK
        if ready {
            ready = SPDYDictionary.bytes.withUnsafeBufferPointer {
                deflateSetDictionary(&stream, $0.baseAddress, UInt32($0.count)) == Z_OK
            }
        }
    }

    deinit { if ready { deflateEnd(&stream) } }

    func compress(_ input: [UInt8]) throws(CtrError) -> [UInt8] {
        guard ready else { throw .internalError("spdy: zlib deflate could not start") }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var input = input
        var status = Z_OK
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    status = deflate(&stream, Z_SYNC_FLUSH)
                    output.append(contentsOf: target[0..<(target.count - Int(stream.avail_out))])
                }
            } while status == Z_OK && stream.avail_out == 0
            stream.next_in = nil
        }
        guard status == Z_OK || status == Z_BUF_ERROR else { throw .internalError("spdy: zlib deflate failed (\(status))") }
        return output
    }
}

/// The other direction: inflates each compressed block in the session's one zlib stream, setting
/// the dictionary when the stream's header asks for it. Blocks inflating past `limit` are refused
/// (a header bomb).
final class SPDYHeaderInflater {
    private var stream = z_stream()
    private var ready = false
    let limit: Int

    init(limit: Int = 256 << 10) {
        self.limit = limit
        ready = inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    }

    deinit { if ready { inflateEnd(&stream) } }

    func decompress(_ input: [UInt8]) throws(CtrError) -> [UInt8] {
        guard ready else { throw .internalError("spdy: zlib inflate could not start") }
        guard !input.isEmpty else { return [] }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        var input = input
        var failure: CtrError?
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = UInt32(source.count)
            while failure == nil {
                var status = Z_OK
                chunk.withUnsafeMutableBufferPointer { target in
                    stream.next_out = target.baseAddress
                    stream.avail_out = UInt32(target.count)
                    status = inflate(&stream, Z_SYNC_FLUSH)
                    if status == Z_NEED_DICT {
                        status = SPDYDictionary.bytes.withUnsafeBufferPointer {
                            inflateSetDictionary(&stream, $0.baseAddress, UInt32($0.count))
                        }
                    }
                    output.append(contentsOf: target[0..<(target.count - Int(stream.avail_out))])
                }
                if output.count > limit {
                    failure = .invalidArgument("spdy: header block inflates past \(limit) bytes")
                } else if status == Z_BUF_ERROR || (status == Z_OK && stream.avail_in == 0 && stream.avail_out > 0) {
                    break
                } else if status != Z_OK {
                    failure = .invalidArgument("spdy: corrupt header block (zlib \(status))")
                }
            }
            stream.next_in = nil
            stream.avail_in = 0
        }
        if let failure { throw failure }
        return output
    }
}

/// Big-endian reads over a byte array, failing at its end.
struct ByteCursor {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func uint32() throws(CtrError) -> UInt32 {
        guard remaining >= 4 else { throw .invalidArgument("spdy: frame ends inside a field") }
        defer { offset += 4 }
        return bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func bytes(_ count: Int) throws(CtrError) -> [UInt8] {
        guard count >= 0, remaining >= count else { throw .invalidArgument("spdy: frame ends inside a field") }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }
}

extension Array where Element == UInt8 {
    mutating func appendUInt32(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)])
    }
}
