/// The two tar header writers `TarHeader.encoded` replaced, copied as they were (commit 17620ad),
/// so tests can check that what they wrote is still written byte for byte.
enum LegacyTarHeaders {
    /// `TarWriter.begin` of Sources/Archive/Tar.swift (names of at most 100 bytes).
    static func archive(_ name: String, size: Int64, mtime: Int64 = 0) -> [UInt8] {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ at: Int, _ length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { header[at + index] = byte }
        }
        func number(_ value: Int64, _ at: Int, _ length: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits, at, length - 1)
        }
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
        return header
    }

    /// `TarOutput.header` of Sources/Snapshots/LayerDiff.swift.
    static func layer(_ name: String, type: UInt8, mode: UInt32, uid: UInt32, gid: UInt32, size: Int64, mtime: Int64,
                      link: String, device: (UInt32, UInt32) = (0, 0)) -> [UInt8] {
        var out: [UInt8] = []
        var pax: [(String, String)] = []
        if name.utf8.count > 100 { pax.append(("path", name)) }
        if link.utf8.count > 100 { pax.append(("linkpath", link)) }
        if !pax.isEmpty {
            var data: [UInt8] = []
            for (key, value) in pax {
                let body = " \(key)=\(value)\n"
                var length = body.utf8.count + 1
                while String(length).utf8.count + body.utf8.count != length { length += 1 }
                data += Array("\(length)\(body)".utf8)
            }
            out += block("PaxHeader", type: UInt8(ascii: "x"), mode: 0o644, uid: 0, gid: 0, size: Int64(data.count),
                         mtime: mtime, link: "", device: (0, 0))
            out += data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
        }
        out += block(String(name.utf8.prefix(100)).map { $0 } ?? "", type: type, mode: mode, uid: uid, gid: gid,
                     size: size, mtime: mtime, link: String(link.utf8.prefix(100)).map { $0 } ?? "", device: device)
        return out
    }

    private static func block(_ name: String, type: UInt8, mode: UInt32, uid: UInt32, gid: UInt32, size: Int64,
                              mtime: Int64, link: String, device: (UInt32, UInt32)) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ offset: Int, _ length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int64, _ offset: Int, _ length: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, length - 1 - digits.count)) + digits, offset, length - 1)
        }
        put(name, 0, 100)
        octal(Int64(mode), 100, 8)
        octal(Int64(uid), 108, 8)
        octal(Int64(gid), 116, 8)
        octal(size, 124, 12)
        octal(max(0, mtime), 136, 12)
        block[156] = type
        put(link, 157, 100)
        put("ustar", 257, 6)
        put("00", 263, 2)
        octal(Int64(device.0), 329, 8)
        octal(Int64(device.1), 337, 8)
        for index in 148..<156 { block[index] = 0x20 }
        let sum = block.reduce(0) { $0 + Int($1) }
        let digits = String(sum, radix: 8)
        put(String(repeating: "0", count: max(0, 6 - digits.count)) + digits, 148, 6)
        block[154] = 0
        return block
    }
}
