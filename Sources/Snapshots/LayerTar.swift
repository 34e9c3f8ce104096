import Core
import Tar

/// One member of a layer tarball, with the metadata extraction needs.
struct LayerEntry: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case regular, hardlink, symlink, characterDevice, blockDevice, directory, fifo
    }

    var name: String
    var kind: Kind
    var mode: UInt32
    var uid: UInt32
    var gid: UInt32
    var size: Int64
    var mtimeSeconds: Int64
    var mtimeNanos: Int64
    var linkname: String
    var deviceMajor: UInt32
    var deviceMinor: UInt32
    var xattrs: [String: [UInt8]]
}

/// A streaming reader of tar archives as image layers are written: headers through `TarHeader`
/// (ustar, GNU long names and links, PAX path, linkpath, size, uid, gid, mtime and
/// `SCHILY.xattr.*`, base-256 numbers). Names are returned exactly as stored; making them safe is
/// the applier's job.
final class LayerTarReader {
    private let source: any ByteReader
    private let name: String
    private var buffer: [UInt8] = []
    private var offset = 0
    /// Bytes of the archive consumed so far: where the next header starts, for errors.
    private var position: Int64 = 0
    private var remaining: Int64 = 0
    private var padding: Int64 = 0

    init(_ source: any ByteReader, name: String) {
        self.source = source
        self.name = name
    }

    /// The next entry, skipping any unread data of the previous one; nil at the end of the archive.
    func next() throws(CtrError) -> LayerEntry? {
        try skip(remaining + padding)
        remaining = 0
        padding = 0
        let start = position
        let read = { (count: Int) throws(CtrError) -> [UInt8] in try self.readAvailable(count) }
        guard let header = try TarHeader.read(archive: name, at: start, read) else { return nil }
        var entry = try LayerEntry(header, archive: name)
        // Only regular files carry data in layers; anything else's data is skipped.
        remaining = header.size
        padding = TarHeader.padding(header.size)
        if entry.kind != .regular { entry.size = 0 }
        return entry
    }

    /// Reads the current entry's data in chunks.
    func readData(_ body: ([UInt8]) throws(CtrError) -> Void) throws(CtrError) {
        while remaining > 0 {
            let chunk = try readUpTo(Int(min(remaining, 1 << 20)))
            if chunk.isEmpty { throw .invalidArgument("\(name): tar data truncated") }
            remaining -= Int64(chunk.count)
            try body(chunk)
        }
    }

    // MARK: Buffering

    private func fill() throws(CtrError) -> Bool {
        if offset < buffer.count { return true }
        buffer = try source.read(1 << 20)
        offset = 0
        return !buffer.isEmpty
    }

    private func readUpTo(_ count: Int) throws(CtrError) -> [UInt8] {
        guard try fill() else { return [] }
        let end = min(buffer.count, offset + count)
        defer {
            position += Int64(end - offset)
            offset = end
        }
        return Array(buffer[offset..<end])
    }

    /// `count` bytes, or fewer where the archive ends.
    private func readAvailable(_ count: Int) throws(CtrError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            let chunk = try readUpTo(count - out.count)
            if chunk.isEmpty { break }
            out.append(contentsOf: chunk)
        }
        return out
    }

    private func skip(_ count: Int64) throws(CtrError) {
        var left = count
        while left > 0 {
            let chunk = try readUpTo(Int(min(left, 1 << 20)))
            if chunk.isEmpty { throw .invalidArgument("\(name): tar archive truncated") }
            left -= Int64(chunk.count)
        }
    }
}

extension LayerEntry {
    /// The entry a header describes, if a layer may hold it: a type we extract and ids, modes and
    /// device numbers that fit 32 bits.
    init(_ header: TarHeader, archive: String) throws(CtrError) {
        func fail(_ cause: String) -> CtrError {
            .invalidArgument("\(archive): tar entry \"\(header.name)\": \(cause)")
        }
        func narrow(_ label: String, _ value: Int64) throws(CtrError) -> UInt32 {
            guard let narrowed = UInt32(exactly: value) else { throw fail("\(label) \(value) is out of range") }
            return narrowed
        }
        switch header.kind {
        case _ where header.kind.isRegular: kind = header.name.hasSuffix("/") ? .directory : .regular
        case .hardlink: kind = .hardlink
        case .symlink: kind = .symlink
        case .characterDevice: kind = .characterDevice
        case .blockDevice: kind = .blockDevice
        case .directory: kind = .directory
        case .fifo: kind = .fifo
        default: throw fail("unsupported type '\(Character(Unicode.Scalar(header.kind.rawValue)))'")
        }
        name = header.name
        mode = try narrow("mode", header.mode)
        uid = try narrow("uid", header.uid)
        gid = try narrow("gid", header.gid)
        size = header.size
        mtimeSeconds = header.mtime
        mtimeNanos = header.mtimeNanos
        linkname = header.linkname
        deviceMajor = try narrow("device major", header.deviceMajor)
        deviceMinor = try narrow("device minor", header.deviceMinor)
        xattrs = header.xattrs
    }
}
