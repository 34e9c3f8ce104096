public import Core
import Glibc

/// One regular file inside a tar archive.
public struct TarEntry: Sendable, Equatable {
    public var name: String
    /// Where the file's bytes start in the archive.
    public var offset: Int64
    public var size: Int64
}

/// Reads the table of contents of a tar file (ustar, with PAX `path`/`size` and GNU long names),
/// and the bytes of its entries, with `pread`.
public final class TarReader: Sendable {
    let fd: Int32
    public let path: String
    public let entries: [TarEntry]

    public init(path: String) throws(CtrError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .notFound("open archive \(path): \(UnixSocket.describe(errno))") }
        do throws(CtrError) {
            entries = try Self.scan(fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
    }

    deinit { close(fd) }

    public func entry(_ name: String) -> TarEntry? {
        let wanted = Self.clean(name)
        return entries.last { $0.name == wanted }
    }

    /// The whole entry (for small files: index.json, manifests).
    public func read(_ entry: TarEntry, limit: Int64 = 16 << 20) throws(CtrError) -> [UInt8] {
        if entry.size > limit { throw .invalidArgument("archive \(path): \(entry.name) is too large (\(entry.size) bytes)") }
        var bytes = [UInt8](repeating: 0, count: Int(entry.size))
        var done = 0
        while done < bytes.count {
            let count = bytes[done...].withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(entry.offset) + off_t(done)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw .invalidArgument("archive \(path): \(entry.name) is truncated") }
            done += count
        }
        return bytes
    }

    /// Hands the entry's bytes to `body` in chunks.
    public func stream(_ entry: TarEntry, chunk: Int = 1 << 20, _ body: ([UInt8]) async throws -> Void) async throws {
        var position = entry.offset
        let end = entry.offset + entry.size
        var buffer = [UInt8](repeating: 0, count: chunk)
        while position < end {
            let want = Int(min(Int64(chunk), end - position))
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(position)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw CtrError.invalidArgument("archive \(path): \(entry.name) is truncated") }
            try await body(Array(buffer[0..<count]))
            position += Int64(count)
        }
    }

    static func clean(_ name: String) -> String {
        var name = Substring(name)
        while name.hasPrefix("./") { name = name.dropFirst(2) }
        while name.hasPrefix("/") { name = name.dropFirst() }
        return String(name)
    }

    private static func scan(_ fd: Int32, path: String) throws(CtrError) -> [TarEntry] {
        var entries: [TarEntry] = []
        var offset: Int64 = 0
        var header = [UInt8](repeating: 0, count: 512)
        var longName: String?
        var paxPath: String?
        var paxSize: Int64?
        while true {
            let count = header.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 512, off_t(offset)) }
            if count == 0 { break }
            guard count == 512 else { throw .invalidArgument("archive \(path): truncated header at \(offset)") }
            if header.allSatisfy({ $0 == 0 }) { break }
            guard let size = octal(header[124..<136]) else {
                throw .invalidArgument("archive \(path): malformed header at \(offset)")
            }
            let type = header[156]
            let data = offset + 512
            var name = string(header[0..<100])
            if header[257..<262].elementsEqual(Array("ustar".utf8)) {
                let prefix = string(header[345..<500])
                if !prefix.isEmpty { name = prefix + "/" + name }
            }
            let realSize = paxSize ?? size
            switch type {
            case UInt8(ascii: "L"):
                longName = try text(fd, data, size, path)
            case UInt8(ascii: "x"):
                let records = try text(fd, data, size, path)
                for line in records.split(separator: "\n") {
                    guard let space = line.firstIndex(of: " ") else { continue }
                    let pair = line[line.index(after: space)...]
                    guard let equals = pair.firstIndex(of: "=") else { continue }
                    let key = pair[..<equals]
                    let value = String(pair[pair.index(after: equals)...])
                    if key == "path" { paxPath = value }
                    if key == "size" { paxSize = Int64(value) }
                }
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                entries.append(TarEntry(name: clean(paxPath ?? longName ?? name), offset: data, size: realSize))
                longName = nil
                paxPath = nil
                paxSize = nil
            default:
                longName = nil
                paxPath = nil
                paxSize = nil
            }
            let advance = type == UInt8(ascii: "x") || type == UInt8(ascii: "L") ? size : realSize
            offset = data + (advance + 511) / 512 * 512
        }
        return entries
    }

    private static func text(_ fd: Int32, _ offset: Int64, _ size: Int64, _ path: String) throws(CtrError) -> String {
        guard size < 1 << 20 else { throw .invalidArgument("archive \(path): extended header too large") }
        var bytes = [UInt8](repeating: 0, count: Int(size))
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(size), off_t(offset)) }
        guard count == Int(size) else { throw .invalidArgument("archive \(path): truncated extended header") }
        return string(bytes[...])
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func octal(_ bytes: ArraySlice<UInt8>) -> Int64? {
        // Base-256 (GNU) for large sizes.
        if let first = bytes.first, first & 0x80 != 0 {
            var value: Int64 = Int64(first & 0x7f)
            for byte in bytes.dropFirst() { value = value << 8 | Int64(byte) }
            return value
        }
        var value: Int64 = 0
        var seen = false
        for byte in bytes {
            if byte == 0 || byte == UInt8(ascii: " ") { if seen { break } else { continue } }
            guard byte >= 0x30 && byte <= 0x37 else { return nil }
            value = value * 8 + Int64(byte - 0x30)
            seen = true
        }
        return value
    }
}

/// Writes a ustar archive of regular files to a file descriptor: `begin` a file (its header),
/// `write` exactly `size` bytes, `end` it (padding); `finish` closes the archive.
public struct TarWriter: Sendable {
    let fd: Int32
    let path: String

    public init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    public func begin(_ name: String, size: Int64, mtime: Int64 = 0) throws(CtrError) {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ at: Int, _ length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { header[at + index] = byte }
        }
        func number(_ value: Int64, _ at: Int, _ length: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits, at, length - 1)
        }
        guard name.utf8.count <= 100 else { throw .invalidArgument("archive entry name too long: \(name)") }
        put(name, 0, 100)
        number(0o644, 100, 8)
        number(0, 108, 8)
        number(0, 116, 8)
        number(size, 124, 12)
        number(mtime, 136, 12)
        put("        ", 148, 8)
        header[156] = UInt8(ascii: "0")
        put("ustar", 257, 6)
        put("00", 263, 2)
        let checksum = header.reduce(0) { $0 + Int64($1) }
        number(checksum, 148, 7)
        header[155] = UInt8(ascii: " ")
        try write(header)
    }

    public func write(_ bytes: [UInt8]) throws(CtrError) {
        if let code = FileIO.writeAll(fd, bytes[...]) {
            throw .internalError("write archive \(path): \(UnixSocket.describe(code))")
        }
    }

    public func end(size: Int64) throws(CtrError) {
        let padding = Int((512 - size % 512) % 512)
        if padding > 0 { try write([UInt8](repeating: 0, count: padding)) }
    }

    /// Adds a small file from memory.
    public func add(_ name: String, bytes: [UInt8]) throws(CtrError) {
        try begin(name, size: Int64(bytes.count))
        try write(bytes)
        try end(size: Int64(bytes.count))
    }

    /// The two zero blocks that end an archive.
    public func finish() throws(CtrError) {
        try write([UInt8](repeating: 0, count: 1024))
    }
}
