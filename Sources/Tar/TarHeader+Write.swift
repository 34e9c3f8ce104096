public import Core

/// How `TarHeader.encoded` lays headers out. The two writers differ in two small ways, kept so
/// that what they wrote before stays byte-identical (layer diff IDs, exported archive digests).
public struct TarFormat: Sendable {
    /// How a name or link target too long for the ustar fields is carried.
    public enum LongNames: Sendable {
        /// The ustar prefix field when the name splits at a `/` into at most 155 + 100 bytes,
        /// else `path`/`linkpath` records in a PAX extended header (POSIX; Go's archive/tar).
        case pax
        /// GNU `L`/`K` entries (GNU tar's `--format=gnu`).
        case gnu
    }

    public var longNames: LongNames
    /// The checksum field ends in NUL and space (as POSIX and GNU tar write it), or in two spaces.
    public var checksumEndsInNUL: Bool
    /// Device numbers are written into every header (as GNU tar does), or only into devices'.
    public var deviceNumbersAlways: Bool

    public init(longNames: LongNames, checksumEndsInNUL: Bool = true, deviceNumbersAlways: Bool = true) {
        self.longNames = longNames
        self.checksumEndsInNUL = checksumEndsInNUL
        self.deviceNumbersAlways = deviceNumbersAlways
    }

    /// Layers (`LayerDiff`).
    public static let layer = TarFormat(longNames: .pax)
    /// Image archives (`ctr images export`): two spaces after the checksum, no device numbers.
    public static let imageArchive = TarFormat(longNames: .pax, checksumEndsInNUL: false, deviceNumbersAlways: false)
}

extension TarHeader {
    /// The header blocks for this entry: the extension a long name or link target needs (see
    /// `TarFormat.LongNames`), then the ustar header. Numbers too big for their octal field (sizes
    /// from 8 GiB, ids from 2^21, negative times) are written base-256, as GNU tar does. Fails only
    /// for a negative size, or an id or device number beyond 2^55.
    public func encoded(_ format: TarFormat) throws(CtrError) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        let linkBytes = Array(linkname.utf8)
        var blocks: [UInt8] = []
        var ustarName = nameBytes[...]
        var prefix: ArraySlice<UInt8> = []
        switch format.longNames {
        case .pax:
            var records: [UInt8] = []
            if nameBytes.count > 100 {
                if let split = Self.splitName(nameBytes) {
                    (prefix, ustarName) = split
                } else {
                    records += Self.record("path", nameBytes)
                }
            }
            if linkBytes.count > 100 { records += Self.record("linkpath", linkBytes) }
            if !records.isEmpty {
                let extended = TarHeader(name: "PaxHeader", kind: .paxExtended, size: Int64(records.count), mtime: mtime)
                blocks += try extended.block(name: Array("PaxHeader".utf8)[...], prefix: [], link: [], format)
                blocks += records + [UInt8](repeating: 0, count: Int(Self.padding(Int64(records.count))))
            }
        case .gnu:
            for (kind, bytes) in [(Kind.gnuLongName, nameBytes), (Kind.gnuLongLink, linkBytes)] where bytes.count > 100 {
                let data = bytes + [0]
                let long = TarHeader(name: "././@LongLink", kind: kind, mode: 0, size: Int64(data.count))
                blocks += try long.block(name: Array("././@LongLink".utf8)[...], prefix: [], link: [], format)
                blocks += data + [UInt8](repeating: 0, count: Int(Self.padding(Int64(data.count))))
            }
        }
        blocks += try block(name: ustarName.prefix(100), prefix: prefix, link: linkBytes.prefix(100), format)
        return blocks
    }

    /// One ustar header block.
    func block(name: ArraySlice<UInt8>, prefix: ArraySlice<UInt8>, link: ArraySlice<UInt8>,
               _ format: TarFormat) throws(CtrError) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: some Collection<UInt8>, _ offset: Int) {
            for (index, byte) in bytes.enumerated() { block[offset + index] = byte }
        }
        func number(_ label: String, _ value: Int64, _ offset: Int, _ length: Int) throws(CtrError) {
            guard let field = Self.numberField(value, length: length) else {
                throw .invalidArgument("tar entry \"\(self.name)\": \(label) \(value) does not fit a header field")
            }
            put(field, offset)
        }
        guard size >= 0 else { throw .invalidArgument("tar entry \"\(self.name)\": negative size \(size)") }
        put(name, 0)
        try number("mode", mode, 100, 8)
        try number("uid", uid, 108, 8)
        try number("gid", gid, 116, 8)
        try number("size", size, 124, 12)
        try number("mtime", mtime, 136, 12)
        block[156] = kind.rawValue
        put(link, 157)
        put("ustar\u{0}00".utf8, 257)
        if format.deviceNumbersAlways || kind == .characterDevice || kind == .blockDevice {
            try number("device major", deviceMajor, 329, 8)
            try number("device minor", deviceMinor, 337, 8)
        }
        put(prefix, 345)
        for index in 148..<156 { block[index] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + Int($1) }
        put(Self.octal(Int64(sum), digits: 6), 148)
        block[154] = format.checksumEndsInNUL ? 0 : UInt8(ascii: " ")
        return block
    }

    /// A number field of `length` bytes: zero-padded octal and a NUL when it fits, else base-256.
    static func numberField(_ value: Int64, length: Int) -> [UInt8]? {
        let digits = String(value, radix: 8)
        if value >= 0 && digits.utf8.count <= length - 1 {
            return octal(value, digits: length - 1) + [0]
        }
        var field = [UInt8](repeating: 0, count: length)
        var rest = value
        for index in stride(from: length - 1, through: 1, by: -1) {
            field[index] = UInt8(truncatingIfNeeded: rest)
            rest >>= 8
        }
        guard rest == (value < 0 ? -1 : 0) else { return nil }
        field[0] = value < 0 ? 0xff : 0x80
        return field
    }

    static func octal(_ value: Int64, digits: Int) -> [UInt8] {
        let text = String(value, radix: 8)
        return Array((String(repeating: "0", count: max(0, digits - text.utf8.count)) + text).utf8)
    }

    /// A name over 100 bytes split at a `/` into a ustar prefix (at most 155 bytes) and name (at
    /// most 100, not empty), the last `/` that allows it; a directory's trailing `/` stays in the name.
    static func splitName(_ name: [UInt8]) -> (prefix: ArraySlice<UInt8>, name: ArraySlice<UInt8>)? {
        guard name.count > 100 else { return nil }
        var searched = min(name.count, 156)
        if searched == name.count && name[searched - 1] == UInt8(ascii: "/") { searched -= 1 }
        guard let slash = name[..<searched].lastIndex(of: UInt8(ascii: "/")), slash > 0 else { return nil }
        let rest = name.count - slash - 1
        guard rest > 0, rest <= 100, slash <= 155 else { return nil }
        return (name[..<slash], name[(slash + 1)...])
    }

    /// One PAX record, `<length> <key>=<value>\n`, its length counting itself.
    static func record(_ key: String, _ value: [UInt8]) -> [UInt8] {
        let body = Array(" \(key)=".utf8) + value + [UInt8(ascii: "\n")]
        var length = body.count + 1
        while String(length).utf8.count + body.count != length { length += 1 }
        return Array(String(length).utf8) + body
    }
}
