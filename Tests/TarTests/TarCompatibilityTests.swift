import Archive
import Core
import Foundation
import Snapshots
import Tar
import Testing
import TestSupport

/// Runs GNU tar; returns its status and output (standard output, then standard error).
func gnuTar(_ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String) {
    let result = try run("/bin/tar", arguments, in: directory)
    return (result.status, result.stdout + result.stderr)
}

/// The tar headers against GNU tar, the writers they replaced, the image archive and the layer differ.
@Suite("Tar compatibility")
struct TarCompatibilityTests {
    let directory = temporaryPath("ctr-tar")

    func makeDirectory(_ name: String) throws -> String {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("GNU tar lists what we write (PAX, GNU and archive formats, 100/101/300-byte names, base-256 ids)")
    func gnuTarReadsOurs() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = try makeDirectory("ours")
        let names = [100, 101, 300].map { nameOf(length: $0) }
        for (index, format) in [TarFormat.layer, .imageArchive, TarFormat(longNames: .gnu)].enumerated() {
            var entries = names.map { (TarHeader(name: $0, size: 2, mtime: 1_700_000_000), Array("hi".utf8)) }
            entries.append((TarHeader(name: "link", kind: .symlink, uid: 3_000_000, linkname: names[2]), []))
            let file = root + "/\(index).tar"
            try Data(try tarArchive(entries, format: format)).write(to: URL(fileURLWithPath: file))
            let listed = try gnuTar(["-tvf", file, "--numeric-owner"])
            #expect(listed.status == 0, "\(listed.output)")
            let lines = listed.output.split(separator: "\n").map(String.init)
            #expect(lines.count == 4, "\(listed.output)")
            for (line, name) in zip(lines, names) { #expect(line.hasSuffix(" " + name), "\(line)") }
            #expect(lines.last?.contains(" 3000000/0 ") == true && lines.last?.hasSuffix("link -> " + names[2]) == true,
                    "\(lines.last ?? "")")
        }
    }

    @Test("we read what GNU tar writes, in its pax and gnu formats", arguments: ["pax", "gnu"])
    func weReadGNUTar(format: String) throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let tree = try makeDirectory("tree")
        let names = [100, 101, 300].map { nameOf(length: $0) }
        for name in names {
            let path = tree + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(name.utf8).write(to: URL(fileURLWithPath: path))
        }
        try FileManager.default.createSymbolicLink(atPath: tree + "/long-link", withDestinationPath: names[2])
        let file = directory + "/gnu-\(format).tar"
        let made = try gnuTar(["--format=" + format, "-cf", file] + names + ["long-link"], in: tree)
        #expect(made.status == 0, "\(made.output)")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        let headers = try readHeaders(bytes)
        #expect(headers.map(\.name) == names + ["long-link"])
        #expect(headers.last?.kind == .symlink && headers.last?.linkname == names[2])
        // The image archive reader finds the same entries and their data.
        let reader = try TarReader(path: file)
        for name in names {
            let entry = try #require(reader.entry(name), "\(name)")
            #expect(try reader.read(entry) == Array(name.utf8))
        }
    }

    @Test("short-name headers are byte-identical to what the old writers wrote")
    func byteIdentical() throws {
        for (name, size, mtime) in [("oci-layout", Int64(30), Int64(0)), ("blobs/sha256/" + String(repeating: "ab", count: 32), 12345678, 1_700_000_000),
                                    ("index.json", 0, 0), (String(repeating: "n", count: 100), 1 << 32, 5)] {
            #expect(try TarHeader(name: name, size: size, mtime: mtime).encoded(.imageArchive)
                    == LegacyTarHeaders.archive(name, size: size, mtime: mtime))
        }
        let layerHeaders: [(String, UInt8, TarHeader.Kind, UInt32, UInt32, Int64, String, (UInt32, UInt32))] = [
            ("etc/", 0x35, .directory, 0o755, 0, 0, "", (0, 0)),
            ("etc/passwd", 0x30, .regular, 0o644, 1000, 4096, "", (0, 0)),
            ("bin/sh", 0x32, .symlink, 0o777, 0, 0, "/bin/busybox", (0, 0)),
            ("bin/su", 0x31, .hardlink, 0o4755, 0, 0, "bin/busybox", (0, 0)),
            ("dev/sda", 0x34, .blockDevice, 0o660, 6, 0, "", (8, 0)),
            ("dev/tty", 0x33, .characterDevice, 0o620, 5, 0, "", (4, 300)),
            ("run/fifo", 0x36, .fifo, 0o600, 0, 0, "", (0, 0)),
            ("a/.wh..wh..opq", 0x30, .regular, 0o644, 0, 0, "", (0, 0)),
            // Long names the ustar prefix cannot hold were PAX before too.
            (String(repeating: "x", count: 180), 0x30, .regular, 0o644, 0, 7, "", (0, 0)),
            ("lnk", 0x32, .symlink, 0o777, 0, 0, String(repeating: "y", count: 120), (0, 0)),
        ]
        for (name, type, kind, mode, id, size, link, device) in layerHeaders {
            let header = TarHeader(name: name, kind: kind, mode: Int64(mode), uid: Int64(id), gid: Int64(id), size: size,
                                   mtime: 1_700_000_000, linkname: link, deviceMajor: Int64(device.0),
                                   deviceMinor: Int64(device.1))
            #expect(try header.encoded(.layer) == LegacyTarHeaders.layer(name, type: type, mode: mode, uid: id, gid: id, size: size,
                                                                           mtime: 1_700_000_000, link: link, device: device), "\(name)")
        }
    }

    @Test("the image archive writer takes names of 150 and 300 bytes; our reader and GNU tar read them back")
    func archiveWriterLongNames() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try makeDirectory("")
        let file = directory + "/export.tar"
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        let names = [nameOf(length: 150), nameOf(length: 300), "index.json"]
        let writer = TarWriter(fd: fd, path: file)
        for name in names { try writer.add(name, bytes: Array(name.utf8)) }
        try writer.finish()
        close(fd)
        let reader = try TarReader(path: file)
        #expect(reader.entries.map(\.name) == names)
        for entry in reader.entries { #expect(try reader.read(entry) == Array(entry.name.utf8)) }
        let listed = try gnuTar(["-tf", file])
        #expect(listed.status == 0 && listed.output == names.joined(separator: "\n") + "\n", "\(listed.output)")
    }

    @Test("a layer with long file and link names diffs and applies back, and GNU tar lists it")
    func layerLongNames() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let upper = try makeDirectory("upper")
        let deep = String(repeating: "d", count: 120) + "/" + String(repeating: "e", count: 120)
        try FileManager.default.createDirectory(atPath: upper + "/" + deep, withIntermediateDirectories: true)
        let file = deep + "/" + String(repeating: "f", count: 90)
        try Data("long".utf8).write(to: URL(fileURLWithPath: upper + "/" + file))
        // 126 bytes that split into a ustar prefix and name.
        let split = String(repeating: "d", count: 120) + "/short"
        try Data("split".utf8).write(to: URL(fileURLWithPath: upper + "/" + split))
        try FileManager.default.createSymbolicLink(atPath: upper + "/to-long", withDestinationPath: file)
        var layer: [UInt8] = []
        _ = try LayerDiff.write(.trees(lower: nil, upper: upper), gzip: false) { (bytes) throws(CtrError) in layer += bytes }
        let blob = directory + "/layer.tar"
        try Data(layer).write(to: URL(fileURLWithPath: blob))
        let listed = try gnuTar(["-tf", blob])
        #expect(listed.status == 0 && listed.output.contains(file + "\n") && listed.output.contains(split + "\n"),
                "\(listed.output)")
        let root = try makeDirectory("root")
        let fd = open(blob, O_RDONLY)
        defer { close(fd) }
        let result = try LayerApplier.apply(fd: fd, compression: .none, name: "layer", root: root, mode: .delete)
        #expect(result.warnings.isEmpty)
        #expect(try String(contentsOfFile: root + "/" + file, encoding: .utf8) == "long")
        #expect(try String(contentsOfFile: root + "/" + split, encoding: .utf8) == "split")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/to-long") == file)
    }
}
