import CZlib
import CZstd
import Foundation

/// Builds tar archives entry by entry, exactly as given (names are not cleaned), for layer tests.
struct TarBuilder {
    enum Kind: UInt8 {
        case file = 0x30, hardlink = 0x31, symlink = 0x32, char = 0x33, block = 0x34, directory = 0x35, fifo = 0x36
    }

    private(set) var bytes: [UInt8] = []

    mutating func add(_ name: String, _ kind: Kind = .file, content: String = "", mode: Int = 0o644, uid: Int = 0,
                      gid: Int = 0, mtime: Int = 1_700_000_000, link: String = "", major: Int = 0, minor: Int = 0,
                      pax: [String: String] = [:]) {
        var records = pax
        if name.utf8.count > 100 { records["path"] = name }
        if link.utf8.count > 100 { records["linkpath"] = link }
        if !records.isEmpty {
            var data: [UInt8] = []
            for (key, value) in records.sorted(by: { $0.key < $1.key }) {
                let body = " \(key)=\(value)\n"
                var length = body.utf8.count + 1
                while String(length).utf8.count + body.utf8.count != length { length += 1 }
                data += Array("\(length)\(body)".utf8)
            }
            header("PaxHeaders/x", type: 0x78, size: data.count, mode: 0o644, uid: 0, gid: 0, mtime: mtime, link: "",
                   major: 0, minor: 0)
            append(data)
        }
        let data = Array(content.utf8)
        header(String(name.prefix(100)), type: kind.rawValue, size: kind == .file ? data.count : 0, mode: mode, uid: uid,
               gid: gid, mtime: mtime, link: String(link.prefix(100)), major: major, minor: minor)
        if kind == .file { append(data) }
    }

    /// The archive with its two zero blocks.
    var archive: [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }

    private mutating func append(_ data: [UInt8]) {
        bytes += data
        bytes += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    private mutating func header(_ name: String, type: UInt8, size: Int, mode: Int, uid: Int, gid: Int, mtime: Int,
                                 link: String, major: Int, minor: Int) {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ offset: Int, _ length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, _ offset: Int, _ length: Int) {
            put(String(String(value, radix: 8).suffix(length - 1)).leftPadded(to: length - 1), offset, length - 1)
        }
        put(name, 0, 100)
        octal(mode, 100, 8)
        octal(uid, 108, 8)
        octal(gid, 116, 8)
        octal(size, 124, 12)
        octal(mtime, 136, 12)
        block[156] = type
        put(link, 157, 100)
        put("ustar", 257, 6)
        put("00", 263, 2)
        octal(major, 329, 8)
        octal(minor, 337, 8)
        for index in 148..<156 { block[index] = 0x20 }
        let sum = block.reduce(0) { $0 + Int($1) }
        put(String(String(sum, radix: 8)).leftPadded(to: 6), 148, 6)
        block[154] = 0
        bytes += block
    }

    static func gzip(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        var output = [UInt8](repeating: 0, count: input.count + 1024)
        var source = input
        let written = source.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer -> Int in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                deflate(&stream, Z_FINISH)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        deflateEnd(&stream)
        return Array(output.prefix(written))
    }

    static func zstd(_ input: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(input.count))
        let written = input.withUnsafeBytes { inBytes in
            output.withUnsafeMutableBytes { outBytes in
                ZSTD_compress(outBytes.baseAddress, outBytes.count, inBytes.baseAddress, inBytes.count, 3)
            }
        }
        return Array(output.prefix(written))
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
