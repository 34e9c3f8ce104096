import Core
import Foundation
@testable import Tar
import Testing

/// Reads every header of `bytes` (skipping data), as the archive and layer readers do.
func readHeaders(_ bytes: [UInt8], archive: String = "test.tar") throws -> [TarHeader] {
    var offset = 0
    var headers: [TarHeader] = []
    let read = { (count: Int) throws(CtrError) -> [UInt8] in
        let start = min(offset, bytes.count)
        let end = min(bytes.count, start + count)
        offset = end
        return Array(bytes[start..<end])
    }
    while let header = try TarHeader.read(archive: archive, at: Int64(offset), read) {
        headers.append(header)
        offset += Int(header.size + TarHeader.padding(header.size))
    }
    return headers
}

/// An archive of the given entries and data, ended by two zero blocks.
func tarArchive(_ entries: [(TarHeader, [UInt8])], format: TarFormat = .layer) throws -> [UInt8] {
    var bytes: [UInt8] = []
    for (header, data) in entries {
        bytes += try header.encoded(format)
        bytes += data + [UInt8](repeating: 0, count: Int(TarHeader.padding(Int64(data.count))))
    }
    return bytes + [UInt8](repeating: 0, count: 1024)
}

/// A header block with its checksum recomputed after `edit` (to test fields, not checksums).
func editedBlock(_ header: TarHeader, _ edit: (inout [UInt8]) -> Void) throws -> [UInt8] {
    var block = try header.encoded(.layer)
    edit(&block)
    for index in 148..<156 { block[index] = UInt8(ascii: " ") }
    let sum = block.reduce(0) { $0 + Int($1) }
    let digits = Array(String(sum, radix: 8).utf8)
    for (index, byte) in ([UInt8](repeating: UInt8(ascii: "0"), count: 6 - digits.count) + digits).enumerated() {
        block[148 + index] = byte
    }
    block[154] = 0
    return block
}

/// Names of exactly `length` bytes: one directory and a file up to 100 bytes; past that, 100-byte
/// components (so 300 bytes cannot split into a ustar prefix and name).
func nameOf(length: Int) -> String {
    if length <= 100 { return "dir/" + String(repeating: "f", count: length - 4) }
    if length <= 200 { return String(repeating: "d", count: 50) + "/" + String(repeating: "f", count: length - 51) }
    return String(repeating: "a", count: 100) + "/" + String(repeating: "b", count: 100) + "/"
        + String(repeating: "c", count: length - 202)
}

@Suite("Tar headers")
struct TarHeaderTests {
    @Test("a plain header round-trips through both formats", arguments: [TarFormat.layer, .imageArchive])
    func plainRoundTrip(format: TarFormat) throws {
        let headers = [
            TarHeader(name: "etc/passwd", mode: 0o640, uid: 1000, gid: 1001, size: 11, mtime: 1_700_000_000),
            TarHeader(name: "bin/sh", kind: .symlink, mode: 0o777, mtime: 1, linkname: "busybox"),
            TarHeader(name: "dev/null", kind: .characterDevice, mode: 0o666, deviceMajor: 1, deviceMinor: 3),
            TarHeader(name: "etc/", kind: .directory, mode: 0o755, uid: 65534, gid: 65534),
        ]
        for header in headers {
            let block = try header.encoded(format)
            #expect(block.count == 512)
            #expect(try TarHeader.decode(block, archive: "t", at: 0) == header)
        }
        let archive = try tarArchive(headers.map { ($0, [UInt8](repeating: 0x61, count: Int($0.size))) }, format: format)
        #expect(try readHeaders(archive) == headers)
    }

    @Test("names of 100, 101 and 300 bytes: ustar name, ustar prefix, then PAX or GNU long names",
          arguments: [(100, 1), (101, 1), (300, 3)])
    func longNames(length: Int, paxBlocks: Int) throws {
        let name = nameOf(length: length)
        #expect(name.utf8.count == length)
        let link = "target/" + String(repeating: "t", count: 150)
        for format in [TarFormat.layer, .imageArchive, TarFormat(longNames: .gnu)] {
            let file = TarHeader(name: name, size: 3, mtime: 1_700_000_000)
            let symlink = TarHeader(name: name + ".link", kind: .symlink, mode: 0o777, linkname: link)
            if format.longNames == .pax { #expect(try file.encoded(format).count == 512 * paxBlocks) }
            let read = try readHeaders(try tarArchive([(file, Array("abc".utf8)), (symlink, [])], format: format))
            #expect(read == [file, symlink])
        }
    }

    @Test("sizes from 8 GiB, big ids and negative times are base-256")
    func base256() throws {
        let header = TarHeader(name: "huge", uid: 3_000_000, gid: Int64(UInt32.max), size: 10 << 30, mtime: -1)
        let block = try header.encoded(.layer)
        #expect(block[124] == 0x80 && block[108] == 0x80 && block[116] == 0x80 && block[136] == 0xff)
        #expect(try TarHeader.decode(block, archive: "t", at: 0) == header)
        #expect(TarHeader.number(ArraySlice<UInt8>([0x80, 0, 0, 0, 0, 0, 0, 0x02, 0x80, 0, 0, 0])) == 10 << 30)
        #expect(TarHeader.number(ArraySlice<UInt8>([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe])) == -2)
        // A small size stays octal, as before.
        #expect(Array(try TarHeader(name: "small", size: 0o777).encoded(.layer)[124..<136]) == Array("00000000777\0".utf8))
    }

    @Test("a bad checksum fails naming the archive, the entry and the cause")
    func badChecksum() throws {
        var block = try TarHeader(name: "etc/passwd", size: 1).encoded(.layer)
        block[110] = UInt8(ascii: "7")  // uid changed, checksum not
        let error = try #require(throws: CtrError.self) { try readHeaders(block + [UInt8](repeating: 0, count: 1536)) }
        #expect(error.message.hasPrefix("test.tar: tar entry \"etc/passwd\" (header at byte 0): checksum mismatch"))
        let garbage = Array(String(repeating: "not a tar file at all, clearly ", count: 20).utf8.prefix(512))
        let notTar = try #require(throws: CtrError.self) { try readHeaders(garbage) }
        #expect(notTar.message.contains("checksum"), "\(notTar.message)")
    }

    @Test("a truncated header or extended header fails clearly")
    func truncated() throws {
        let block = try TarHeader(name: "etc/passwd").encoded(.layer)
        let error = try #require(throws: CtrError.self) { try readHeaders(Array(block.prefix(300))) }
        #expect(error.message == "test.tar: tar header at byte 0 is truncated (300 of 512 bytes)")
        let pax = try TarHeader(name: String(repeating: "p", count: 300)).encoded(.layer)
        let cut = try #require(throws: CtrError.self) { try readHeaders(Array(pax.prefix(700))) }
        #expect(cut.message.contains("tar entry \"PaxHeader\"") && cut.message.contains("truncated (188 of 512 bytes)"),
                "\(cut.message)")
    }

    @Test("overflowing and malformed numbers fail clearly")
    func overflowingNumbers() throws {
        // Octal beyond 64 bits (longer than any field, so checked on the parser), and base-256 beyond it.
        #expect(TarHeader.number(Array(String(repeating: "7", count: 22).utf8)[...]) == nil)
        #expect(TarHeader.number(Array(String(repeating: "7", count: 21).utf8)[...]) == Int64.max)
        let header = TarHeader(name: "big", size: 1)
        let overflow = try editedBlock(header) { block in
            block[124] = 0x80
            for index in 125..<136 { block[index] = 0xff }
        }
        let error = try #require(throws: CtrError.self) { try readHeaders(overflow + [UInt8](repeating: 0, count: 1536)) }
        #expect(error.message.hasPrefix("test.tar: tar entry \"big\" (header at byte 0): size field \"\\x80\\xff"), "\(error.message)")
        #expect(error.message.hasSuffix("is not an octal or base-256 number within 64 bits"))
        let junk = try editedBlock(header) { block in block[126] = UInt8(ascii: "9") }
        let junkError = try #require(throws: CtrError.self) { try readHeaders(junk + [UInt8](repeating: 0, count: 1536)) }
        #expect(junkError.message.contains("size field \"00900000001\\x00\" is not an octal"), "\(junkError.message)")
        let negative = try editedBlock(header) { block in
            for index in 124..<136 { block[index] = 0xff }
        }
        let negativeError = try #require(throws: CtrError.self) { try readHeaders(negative + [UInt8](repeating: 0, count: 1536)) }
        #expect(negativeError.message.hasSuffix("size -1 is out of range"))
        #expect(throws: CtrError.self) { try TarHeader(name: "x", size: -1).encoded(.layer) }
        #expect(throws: CtrError.self) { try TarHeader(name: "x", uid: 1 << 56).encoded(.layer) }
    }

    @Test("an oversized or malformed PAX header fails clearly, without reading it all")
    func oversizedPAX() throws {
        let extended = TarHeader(name: "PaxHeaders/big", kind: .paxExtended, size: 2 << 20)
        let error = try #require(throws: CtrError.self) { try readHeaders(try extended.encoded(.layer)) }
        #expect(error.message == "test.tar: tar entry \"PaxHeaders/big\" (header at byte 0): extended header data of 2097152 bytes is over the limit of 1048576")
        // Many extensions before one entry add up.
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 700 << 10)
        let long = TarHeader(name: "././@LongLink", kind: .gnuLongName, size: Int64(chunk.count))
        let chained = try tarArchive([(long, chunk), (long, chunk), (TarHeader(name: "x"), [])])
        #expect(throws: CtrError.self) { try readHeaders(chained) }
        // A record whose length is shorter than its own digits (this used to trap).
        for records in ["1 x=y\n", "5 path=x\n", "abc path=x\n", "12 path=x\nzz"] {
            let bytes = Array(records.utf8)
            let pax = TarHeader(name: "PaxHeaders/x", kind: .paxExtended, size: Int64(bytes.count))
            let bad = try #require(throws: CtrError.self) { try readHeaders(try tarArchive([(pax, bytes), (TarHeader(name: "x"), [])])) }
            #expect(bad.message.contains("malformed PAX record"), "\(records): \(bad.message)")
        }
        let size = Array("16 size=12345x7\n".utf8)
        let badSize = TarHeader(name: "PaxHeaders/x", kind: .paxExtended, size: Int64(size.count))
        let sizeError = try #require(throws: CtrError.self) { try readHeaders(try tarArchive([(badSize, size), (TarHeader(name: "file"), [])])) }
        #expect(sizeError.message.contains("tar entry \"file\"") && sizeError.message.contains("PAX size \"12345x7\""),
                "\(sizeError.message)")
    }

    @Test("PAX records override GNU long names, which override the ustar fields")
    func precedence() throws {
        let records = TarHeader.record("path", Array("from/pax".utf8)) + TarHeader.record("mtime", Array("-1.25".utf8))
            + TarHeader.record("SCHILY.xattr.user.k", [0, 1, 2])
        let pax = TarHeader(name: "PaxHeaders/x", kind: .paxExtended, size: Int64(records.count))
        let gnuName = Array("from/gnu\0".utf8)
        let long = TarHeader(name: "././@LongLink", kind: .gnuLongName, size: Int64(gnuName.count))
        let read = try readHeaders(try tarArchive([(long, gnuName), (pax, records), (TarHeader(name: "from/ustar"), [])]))
        #expect(read.map(\.name) == ["from/pax"])
        #expect(read.first?.mtime == -2 && read.first?.mtimeNanos == 750_000_000)
        #expect(read.first?.xattrs == ["user.k": [0, 1, 2]])
        let gnuOnly = try readHeaders(try tarArchive([(long, gnuName), (TarHeader(name: "from/ustar"), [])]))
        #expect(gnuOnly.map(\.name) == ["from/gnu"])
    }
}
