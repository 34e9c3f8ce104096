public import Core
import Glibc
import Tar

/// One regular file inside a tar archive.
public struct TarEntry: Sendable, Equatable {
    public var name: String
    /// Where the file's bytes start in the archive.
    public var offset: Int64
    public var size: Int64
}

/// Reads the table of contents of a tar file (headers through `TarHeader`: ustar, PAX, GNU long
/// names, base-256 sizes), and the bytes of its entries, with `pread`.
public final class TarReader: Sendable {
    let fd: Int32
    public let path: String
    public let entries: [TarEntry]

    public init(path: String) throws(CtrError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .notFound("open archive \(path): \(Errno.current)") }
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
        let read = { (count: Int) throws(CtrError) -> [UInt8] in
            let bytes = try readAvailable(fd, count, at: offset, path: path)
            offset += Int64(bytes.count)
            return bytes
        }
        while let header = try TarHeader.read(archive: "archive \(path)", at: offset, read) {
            if header.kind.isRegular {
                entries.append(TarEntry(name: clean(header.name), offset: offset, size: header.size))
            }
            // Sizes are at most TarHeader.maxSize (2^62), offsets at most the file's size plus one.
            offset += header.size + TarHeader.padding(header.size)
        }
        return entries
    }

    /// `count` bytes at `offset`, or fewer where the file ends.
    private static func readAvailable(_ fd: Int32, _ count: Int, at offset: Int64, path: String) throws(CtrError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes[done...].withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset) + off_t(done)) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw .internalError("read archive \(path): \(Errno.current)") }
            if got == 0 { break }
            done += got
        }
        bytes.removeLast(count - done)
        return bytes
    }
}

/// Writes a ustar archive of regular files to a file descriptor (headers through `TarHeader`, in
/// format `.imageArchive`): `begin` a file (its header), `write` exactly `size` bytes, `end` it
/// (padding); `finish` closes the archive.
public struct TarWriter: Sendable {
    let fd: Int32
    let path: String

    public init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// Writes an entry's header; a name over 100 bytes goes into the ustar prefix or a PAX record.
    public func begin(_ name: String, size: Int64, mtime: Int64 = 0) throws(CtrError) {
        let header = TarHeader(name: name, kind: .regular, mode: 0o644, size: size, mtime: mtime)
        let blocks: [UInt8]
        do {
            blocks = try header.encoded(.imageArchive)
        } catch {
            throw .invalidArgument("write archive \(path): \(error.message)")
        }
        try write(blocks)
    }

    public func write(_ bytes: [UInt8]) throws(CtrError) {
        if let code = FileIO.writeAll(fd, bytes[...]) {
            throw .internalError("write archive \(path): \(Errno(code))")
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
