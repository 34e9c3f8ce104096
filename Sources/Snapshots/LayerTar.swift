import Core

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

/// A streaming reader of tar archives as image layers are written: ustar, GNU long names and
/// links, PAX extended headers (path, linkpath, size, uid, gid, mtime, `SCHILY.xattr.*`), and
/// base-256 numbers. Names are returned exactly as stored; making them safe is the applier's job.
final class LayerTarReader {
    private let source: any ByteReader
    private let name: String
    private var buffer: [UInt8] = []
    private var offset = 0
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
        var longName: String? = nil
        var longLink: String? = nil
        var pax: [String: [UInt8]] = [:]
        while true {
            let header = try readExact(512, allowEnd: true)
            guard header.count == 512 else { return nil }
            if header.allSatisfy({ $0 == 0 }) { return nil }
            guard Self.checksumMatches(header) else {
                throw .invalidArgument("\(name): corrupt tar header (checksum mismatch)")
            }
            let type = header[156]
            guard let size = Self.number(header[124..<136]), size >= 0 else {
                throw .invalidArgument("\(name): corrupt tar header (size)")
            }
            switch type {
            case UInt8(ascii: "L"), UInt8(ascii: "K"), UInt8(ascii: "x"), UInt8(ascii: "g"):
                guard size <= 1 << 20 else { throw .invalidArgument("\(name): tar extended header too large") }
                let data = try readExact(Int(size), allowEnd: false)
                try skip(Self.paddingFor(size))
                if type == UInt8(ascii: "L") {
                    longName = Self.string(data[...])
                } else if type == UInt8(ascii: "K") {
                    longLink = Self.string(data[...])
                } else if type == UInt8(ascii: "x") {
                    pax.merge(try Self.paxRecords(data, name: name)) { _, new in new }
                }
                continue
            default:
                break
            }
            var entry = try Self.entry(header, size: size, name: name)
            if let longName { entry.name = longName }
            if let longLink { entry.linkname = longLink }
            try Self.applyPAX(pax, to: &entry, name: name)
            if entry.kind != .regular {
                // Only regular files carry data in layers; anything else is skipped.
                remaining = entry.size
                padding = Self.paddingFor(entry.size)
                entry.size = 0
            } else {
                remaining = entry.size
                padding = Self.paddingFor(entry.size)
            }
            return entry
        }
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
        defer { offset = end }
        return Array(buffer[offset..<end])
    }

    private func readExact(_ count: Int, allowEnd: Bool) throws(CtrError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            let chunk = try readUpTo(count - out.count)
            if chunk.isEmpty {
                if allowEnd && out.isEmpty { return [] }
                throw .invalidArgument("\(name): tar archive truncated")
            }
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

    // MARK: Header fields

    static func paddingFor(_ size: Int64) -> Int64 { (512 - size % 512) % 512 }

    static func checksumMatches(_ header: [UInt8]) -> Bool {
        guard let stored = number(header[148..<156]) else { return false }
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (index, byte) in header.enumerated() {
            let value = (148..<156).contains(index) ? UInt8(ascii: " ") : byte
            unsigned += Int64(value)
            signed += Int64(Int8(bitPattern: value))
        }
        return stored == unsigned || stored == signed
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// An octal field, or a base-256 one (high bit of the first byte set).
    static func number(_ bytes: ArraySlice<UInt8>) -> Int64? {
        guard let first = bytes.first else { return nil }
        if first & 0x80 != 0 {
            var value: Int64 = Int64(first & 0x7f)
            for byte in bytes.dropFirst() {
                guard value < Int64.max >> 8 else { return nil }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        var value: Int64 = 0
        var seen = false
        for byte in bytes {
            if byte == 0 || byte == UInt8(ascii: " ") {
                if seen { break } else { continue }
            }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7"), value < Int64.max >> 3 else { return nil }
            value = value * 8 + Int64(byte - UInt8(ascii: "0"))
            seen = true
        }
        return value
    }

    static func entry(_ header: [UInt8], size: Int64, name archive: String) throws(CtrError) -> LayerEntry {
        var name = string(header[0..<100])
        if header[257..<262].elementsEqual("ustar".utf8) {
            let prefix = string(header[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        let kind: LayerEntry.Kind
        switch header[156] {
        case 0, UInt8(ascii: "0"), UInt8(ascii: "7"): kind = name.hasSuffix("/") ? .directory : .regular
        case UInt8(ascii: "1"): kind = .hardlink
        case UInt8(ascii: "2"): kind = .symlink
        case UInt8(ascii: "3"): kind = .characterDevice
        case UInt8(ascii: "4"): kind = .blockDevice
        case UInt8(ascii: "5"): kind = .directory
        case UInt8(ascii: "6"): kind = .fifo
        default:
            throw .invalidArgument("\(archive): tar entry \"\(name)\" has unsupported type '\(Character(Unicode.Scalar(header[156])))'")
        }
        return LayerEntry(
            name: name, kind: kind, mode: UInt32(truncatingIfNeeded: number(header[100..<108]) ?? 0o644),
            uid: UInt32(truncatingIfNeeded: number(header[108..<116]) ?? 0),
            gid: UInt32(truncatingIfNeeded: number(header[116..<124]) ?? 0), size: size,
            mtimeSeconds: number(header[136..<148]) ?? 0, mtimeNanos: 0, linkname: string(header[157..<257]),
            deviceMajor: UInt32(truncatingIfNeeded: number(header[329..<337]) ?? 0),
            deviceMinor: UInt32(truncatingIfNeeded: number(header[337..<345]) ?? 0), xattrs: [:])
    }

    /// PAX records: `<length> <key>=<value>\n`, values raw bytes (xattrs may be binary).
    static func paxRecords(_ data: [UInt8], name: String) throws(CtrError) -> [String: [UInt8]] {
        var records: [String: [UInt8]] = [:]
        var index = 0
        while index < data.count {
            guard let space = data[index...].firstIndex(of: UInt8(ascii: " ")),
                  let length = Int(String(decoding: data[index..<space], as: UTF8.self)), length > 0,
                  index + length <= data.count, data[index + length - 1] == UInt8(ascii: "\n"),
                  let equals = data[(space + 1)..<(index + length)].firstIndex(of: UInt8(ascii: "="))
            else { throw .invalidArgument("\(name): malformed PAX header") }
            let key = String(decoding: data[(space + 1)..<equals], as: UTF8.self)
            records[key] = Array(data[(equals + 1)..<(index + length - 1)])
            index += length
        }
        return records
    }

    static func applyPAX(_ pax: [String: [UInt8]], to entry: inout LayerEntry, name: String) throws(CtrError) {
        for (key, value) in pax {
            let text = String(decoding: value, as: UTF8.self)
            switch key {
            case "path": entry.name = text
            case "linkpath": entry.linkname = text
            case "size":
                guard let size = Int64(text), size >= 0 else { throw .invalidArgument("\(name): bad PAX size") }
                entry.size = size
            case "uid": entry.uid = UInt32(text) ?? entry.uid
            case "gid": entry.gid = UInt32(text) ?? entry.gid
            case "mtime":
                let parts = text.split(separator: ".", maxSplits: 1)
                entry.mtimeSeconds = parts.first.flatMap { Int64($0) } ?? entry.mtimeSeconds
                if parts.count == 2 {
                    let digits = String(parts[1].prefix(9))
                    entry.mtimeNanos = (Int64(digits) ?? 0) * Int64(pow10(9 - digits.count))
                }
            default:
                if key.hasPrefix("SCHILY.xattr.") {
                    entry.xattrs[String(key.dropFirst("SCHILY.xattr.".count))] = value
                }
            }
        }
    }

    private static func pow10(_ exponent: Int) -> Int {
        var value = 1
        for _ in 0..<max(0, exponent) { value *= 10 }
        return value
    }
}
