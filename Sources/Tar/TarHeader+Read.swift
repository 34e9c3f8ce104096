public import Core

extension TarHeader {
    /// Reads the next entry's header, and the PAX and GNU extension entries before it, which it
    /// applies (PAX over GNU over ustar). `read(count)` returns the next `count` bytes of the archive,
    /// or fewer where the archive ends. Afterwards the archive stands at the entry's data: `size`
    /// bytes, then `padding(size)`. Returns nil at the end of the archive (a zero block, or no more
    /// bytes where a header would start).
    ///
    /// `archive` names the archive in errors (`archive /tmp/x.tar`, `layer sha256:…`), `offset` is
    /// where the header starts. Errors name the entry, where its header is and the cause.
    public static func read(archive: String, at offset: Int64,
                            _ read: (Int) throws(CtrError) -> [UInt8]) throws(CtrError) -> TarHeader? {
        var position = offset
        var longName: String?
        var longLink: String?
        var pax: [String: [UInt8]] = [:]
        var extensionBytes = 0
        while true {
            let block = try read(blockSize)
            if block.isEmpty { return nil }
            guard block.count == blockSize else {
                throw .invalidArgument("\(archive): tar header at byte \(position) is truncated (\(block.count) of 512 bytes)")
            }
            if block.allSatisfy({ $0 == 0 }) { return nil }
            var header = try decode(block, archive: archive, at: position)
            let context = ErrorContext(archive: archive, offset: position, name: header.name)
            position += Int64(blockSize)
            guard header.kind.isExtension else {
                if let longName { header.name = longName }
                if let longLink { header.linkname = longLink }
                try header.apply(pax, context.named(header.name))
                return header
            }
            extensionBytes += Int(header.size)
            guard extensionBytes <= maxExtensionSize else {
                throw context.error("extended header data of \(extensionBytes) bytes is over the limit of \(maxExtensionSize)")
            }
            let padded = Int(header.size + padding(header.size))
            let data = try read(padded)
            guard data.count == padded else {
                throw context.error("extended header data is truncated (\(data.count) of \(padded) bytes)")
            }
            position += Int64(padded)
            let body = data[..<Int(header.size)]
            switch header.kind {
            case .gnuLongName: longName = string(body)
            case .gnuLongLink: longLink = string(body)
            case .paxExtended: pax.merge(try records(body, context)) { _, new in new }
            default: break  // global PAX records: nothing we use
            }
        }
    }

    /// Decodes one 512-byte ustar (or GNU, or v7) header block, checking its checksum.
    public static func decode(_ block: [UInt8], archive: String, at offset: Int64) throws(CtrError) -> TarHeader {
        var name = string(block[0..<100])
        // Only POSIX ustar ("ustar\0") has a name prefix; GNU's "ustar " keeps other fields there.
        if block[257..<263].elementsEqual("ustar\0".utf8) {
            let prefix = string(block[345..<500])
            if !prefix.isEmpty { name = prefix + "/" + name }
        }
        let context = ErrorContext(archive: archive, offset: offset, name: name)
        try checkChecksum(block, context)
        func field(_ label: String, _ range: Range<Int>) throws(CtrError) -> Int64 {
            guard let value = number(block[range]) else {
                throw context.error("\(label) field \(printable(block[range])) is not an octal or base-256 number within 64 bits")
            }
            return value
        }
        let size = try field("size", 124..<136)
        guard size >= 0, size <= maxSize else { throw context.error("size \(size) is out of range") }
        return TarHeader(
            name: name, kind: Kind(rawValue: block[156]), mode: try field("mode", 100..<108),
            uid: try field("uid", 108..<116), gid: try field("gid", 116..<124), size: size,
            mtime: try field("mtime", 136..<148), linkname: string(block[157..<257]),
            deviceMajor: try field("devmajor", 329..<337), deviceMinor: try field("devminor", 337..<345))
    }

    /// The stored checksum must be the sum of the header's bytes with the checksum field read as
    /// spaces, unsigned (POSIX) or signed (some historic tars).
    static func checkChecksum(_ block: [UInt8], _ context: ErrorContext) throws(CtrError) {
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (index, byte) in block.enumerated() {
            let value = (148..<156).contains(index) ? UInt8(ascii: " ") : byte
            unsigned += Int64(value)
            signed += Int64(Int8(bitPattern: value))
        }
        let field = block[148..<156]
        guard field.first.map({ $0 & 0x80 == 0 }) == true, let stored = number(field) else {
            throw context.error("checksum field \(printable(field)) is not an octal number")
        }
        guard stored == unsigned || stored == signed else {
            throw context.error("checksum mismatch (stored \(stored), computed \(unsigned)): not a tar header, or a corrupt one")
        }
    }

    /// A numeric field: octal (leading spaces or NULs, digits, then a NUL or space ending it), or
    /// base-256 when the first byte's high bit is set (big-endian two's complement, the sign in bit
    /// 6 of that byte, as GNU tar writes large and negative numbers). Nil when malformed or when
    /// the value does not fit 64 bits.
    static func number(_ field: ArraySlice<UInt8>) -> Int64? {
        guard let first = field.first else { return nil }
        if first & 0x80 != 0 {
            let invert: UInt8 = first & 0x40 != 0 ? 0xff : 0
            var value: UInt64 = 0
            for (index, byte) in field.enumerated() {
                let bits = index == 0 ? (byte ^ invert) & 0x7f : byte ^ invert
                guard value >> 56 == 0 else { return nil }
                value = value << 8 | UInt64(bits)
            }
            guard value >> 63 == 0 else { return nil }
            return invert == 0 ? Int64(value) : ~Int64(value)
        }
        var value: Int64 = 0
        var seen = false
        for byte in field {
            if byte == 0 || byte == UInt8(ascii: " ") {
                if seen { break } else { continue }
            }
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "7") else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 8)
            guard !overflow else { return nil }
            value = shifted + Int64(byte - UInt8(ascii: "0"))
            seen = true
        }
        return value
    }

    /// A NUL-terminated string field.
    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// A field's bytes for an error message: quoted, control and non-ASCII bytes escaped.
    static func printable(_ bytes: ArraySlice<UInt8>) -> String {
        var text = "\""
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return text + "\""
    }
}

/// Where a header is, to name it in errors.
struct ErrorContext {
    let archive: String
    let offset: Int64
    let name: String

    func named(_ name: String) -> ErrorContext {
        ErrorContext(archive: archive, offset: offset, name: name)
    }

    func error(_ cause: String) -> CtrError {
        let shown = name.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : String($0) }.joined()
        return .invalidArgument("\(archive): tar entry \"\(shown)\" (header at byte \(offset)): \(cause)")
    }
}
