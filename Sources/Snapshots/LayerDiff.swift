import CLinux
import CZlib
public import Core
internal import Crypto
import Glibc
import Tar

/// Computes a layer: the changes of an upper tree over a lower one, as a tar stream with OCI
/// whiteouts, optionally gzip-compressed. The inverse of `LayerApplier`.
public struct LayerDiff {
    /// Where the changes are: an overlay upper directory (its whiteout devices and opaque
    /// xattrs become OCI whiteouts), or two full trees compared file by file.
    public enum Source {
        case overlayUpper(String)
        case trees(lower: String?, upper: String)
    }

    public struct Result: Sendable {
        /// The uncompressed tar's digest (the diff ID) and size.
        public var diffID: Core.Digest
        public var uncompressedSize: Int64
    }

    /// Writes the layer to `sink` (compressed with gzip when `gzip`), returning the diff ID.
    public static func write(_ source: Source, gzip: Bool, to sink: @escaping ([UInt8]) throws(CtrError) -> Void) throws(CtrError) -> Result {
        let output = TarOutput(gzip: gzip, sink: sink)
        switch source {
        case .overlayUpper(let upper):
            try walkUpper(upper, "", output)
        case .trees(let lower, let upper):
            try walkTrees(lower: lower, upper: upper, "", output)
        }
        try output.finish()
        return Result(diffID: Core.Digest(sha256Hex: hexEncoded(output.hasher.finalize())), uncompressedSize: output.count)
    }

    static func list(_ path: String) -> [String] {
        FileTree.list(path).sorted()
    }

    static func walkUpper(_ root: String, _ relative: String, _ output: TarOutput) throws(CtrError) {
        for name in list(root + "/" + relative) {
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(root + "/" + path, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFCHR && info.st_rdev == 0 {
                try output.whiteout(relative, name)
                continue
            }
            try output.entry(root, path, info)
            if (info.st_mode & S_IFMT) == S_IFDIR {
                var value = [UInt8](repeating: 0, count: 4)
                if lgetxattr(root + "/" + path, "trusted.overlay.opaque", &value, value.count) == 1 && value[0] == UInt8(ascii: "y") {
                    try output.whiteout(path, ".wh.")
                }
                try walkUpper(root, path, output)
            }
        }
    }

    static func walkTrees(lower: String?, upper: String, _ relative: String, _ output: TarOutput) throws(CtrError) {
        let upperNames = list(upper + "/" + relative)
        if let lower {
            let present = Set(upperNames)
            for name in list(lower + "/" + relative) where !present.contains(name) {
                try output.whiteout(relative, name)
            }
        }
        for name in upperNames {
            let path = relative.isEmpty ? name : relative + "/" + name
            var info = stat()
            guard lstat(upper + "/" + path, &info) == 0 else { continue }
            var old = stat()
            let existed = lower.map { lstat($0 + "/" + path, &old) == 0 } ?? false
            let isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            if !existed || changed(info, old, upper + "/" + path, (lower ?? "") + "/" + path) {
                try output.entry(upper, path, info)
            }
            if isDirectory {
                let lowerDirectory = existed && (old.st_mode & S_IFMT) == S_IFDIR ? lower : nil
                try walkTrees(lower: lowerDirectory, upper: upper, path, output)
            }
        }
    }

    static func changed(_ a: stat, _ b: stat, _ pathA: String, _ pathB: String) -> Bool {
        if a.st_mode != b.st_mode || a.st_uid != b.st_uid || a.st_gid != b.st_gid || a.st_rdev != b.st_rdev {
            return true
        }
        switch a.st_mode & S_IFMT {
        case S_IFDIR: return false
        case S_IFLNK: return readLink(pathA) != readLink(pathB)
        default:
            return a.st_size != b.st_size || a.st_mtim.tv_sec != b.st_mtim.tv_sec || a.st_mtim.tv_nsec != b.st_mtim.tv_nsec
        }
    }

    static func readLink(_ path: String) -> String {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlink(path, &buffer, 4096)
        guard count >= 0 else { return "" }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Tar headers and data into a (gzip) sink, hashing the uncompressed bytes.
final class TarOutput {
    var hasher = Crypto.SHA256()
    var count: Int64 = 0
    let sink: ([UInt8]) throws(CtrError) -> Void
    private var stream = z_stream()
    private let gzip: Bool
    private var links: [UInt64: String] = [:]

    init(gzip: Bool, sink: @escaping ([UInt8]) throws(CtrError) -> Void) {
        self.gzip = gzip
        self.sink = sink
        if gzip {
            deflateInit2_(&stream, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        }
    }

    deinit { if gzip { deflateEnd(&stream) } }

    func emit(_ bytes: [UInt8], flush: Bool = false) throws(CtrError) {
        hasher.update(data: bytes)
        count += Int64(bytes.count)
        guard gzip else {
            if !bytes.isEmpty { try sink(bytes) }
            return
        }
        var input = bytes
        var output = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = Z_OK
        try input.withUnsafeMutableBufferPointer { (inBuffer) throws(CtrError) in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = UInt32(inBuffer.count)
            repeat {
                let produced = output.withUnsafeMutableBufferPointer { outBuffer -> Int in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = UInt32(outBuffer.count)
                    status = deflate(&stream, flush ? Z_FINISH : Z_NO_FLUSH)
                    return outBuffer.count - Int(stream.avail_out)
                }
                if produced > 0 { try sink(Array(output[0..<produced])) }
            } while stream.avail_out == 0 || (flush && status != Z_STREAM_END)
        }
    }

    func finish() throws(CtrError) {
        try emit([UInt8](repeating: 0, count: 1024), flush: true)
    }

    func whiteout(_ directory: String, _ name: String) throws(CtrError) {
        let path = (directory.isEmpty ? "" : directory + "/") + (name == ".wh." ? ".wh..wh..opq" : ".wh." + name)
        try header(path, type: .regular, mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0, link: "")
    }

    func entry(_ root: String, _ path: String, _ info: stat) throws(CtrError) {
        let mode = UInt32(info.st_mode & 0o7777)
        let full = root + "/" + path
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            try header(path + "/", type: .directory, mode: mode, uid: info.st_uid, gid: info.st_gid, size: 0,
                       mtime: Int64(info.st_mtim.tv_sec), link: "")
        case S_IFLNK:
            try header(path, type: .symlink, mode: mode, uid: info.st_uid, gid: info.st_gid, size: 0,
                       mtime: Int64(info.st_mtim.tv_sec), link: LayerDiff.readLink(full))
        case S_IFREG:
            if info.st_nlink > 1 {
                if let first = links[UInt64(info.st_ino)] {
                    try header(path, type: .hardlink, mode: mode, uid: info.st_uid, gid: info.st_gid, size: 0,
                               mtime: Int64(info.st_mtim.tv_sec), link: first)
                    return
                }
                links[UInt64(info.st_ino)] = path
            }
            try header(path, type: .regular, mode: mode, uid: info.st_uid, gid: info.st_gid,
                       size: Int64(info.st_size), mtime: Int64(info.st_mtim.tv_sec), link: "")
            let fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw .internalError("diff: open \(path): \(Errno.current)") }
            defer { close(fd) }
            var left = Int64(info.st_size)
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while left > 0 {
                let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, min($0.count, Int(left))) }
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { throw .internalError("diff: read \(path): file changed while reading") }
                try emit(Array(buffer[0..<got]))
                left -= Int64(got)
            }
            let padding = Int((512 - info.st_size % 512) % 512)
            if padding > 0 { try emit([UInt8](repeating: 0, count: padding)) }
        case S_IFCHR, S_IFBLK:
            try header(path, type: (info.st_mode & S_IFMT) == S_IFCHR ? .characterDevice : .blockDevice, mode: mode,
                       uid: info.st_uid, gid: info.st_gid, size: 0, mtime: Int64(info.st_mtim.tv_sec), link: "",
                       device: (UInt32(truncatingIfNeeded: (info.st_rdev >> 8) & 0xfff), UInt32(truncatingIfNeeded: (info.st_rdev & 0xff) | ((info.st_rdev >> 12) & 0xfff00))))
        case S_IFIFO:
            try header(path, type: .fifo, mode: mode, uid: info.st_uid, gid: info.st_gid, size: 0,
                       mtime: Int64(info.st_mtim.tv_sec), link: "")
        default:
            return  // sockets are not archived
        }
    }

    func header(_ name: String, type: TarHeader.Kind, mode: UInt32, uid: UInt32, gid: UInt32, size: Int64, mtime: Int64,
                link: String, device: (UInt32, UInt32) = (0, 0)) throws(CtrError) {
        // Times before 1970 are written as 0, as they always were here.
        let header = TarHeader(name: name, kind: type, mode: Int64(mode), uid: Int64(uid), gid: Int64(gid), size: size,
                               mtime: max(0, mtime), linkname: link, deviceMajor: Int64(device.0),
                               deviceMinor: Int64(device.1))
        try emit(try header.encoded(.layer))
    }
}
