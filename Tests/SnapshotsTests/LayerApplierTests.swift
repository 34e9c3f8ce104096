import CLinux
import Core
import Crypto
import Foundation
import Snapshots
import Testing
import TestSupport

/// Layer extraction: metadata, whiteouts in both modes, compression, and confinement.
@Suite("Layer applier")
struct LayerApplierTests {
    let directory = temporaryPath("ctr-apply")

    func apply(_ bytes: [UInt8], to root: String, compression: LayerCompression = .none,
               mode: WhiteoutMode = .delete) throws -> ApplyResult {
        let blob = directory + "/blob-\(UUID().uuidString)"
        try Data(bytes).write(to: URL(fileURLWithPath: blob))
        let fd = open(blob, O_RDONLY)
        defer { close(fd) }
        return try LayerApplier.apply(fd: fd, compression: compression, name: "test layer", root: root, mode: mode)
    }

    func makeRoot(_ name: String) throws -> String {
        let root = directory + "/" + name
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        return root
    }

    func lstatOf(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    @Test("files, directories, links, devices keep modes, owners, times and xattrs; the diff ID is the tar's digest")
    func metadata() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = try makeRoot("root")
        var tar = TarBuilder()
        tar.add("etc/", .directory, mode: 0o750, uid: 1000, gid: 1001)
        tar.add("etc/passwd", content: "root:x:0:0\n", mode: 0o644, pax: ["mtime": "1700000000.123456789"])
        tar.add("bin/", .directory, mode: 0o755)
        tar.add("bin/su", content: "#!/bin/sh\n", mode: 0o4755)
        tar.add("bin/sh", .symlink, link: "su")
        tar.add("bin/su2", .hardlink, link: "bin/su")
        tar.add("dev/", .directory)
        tar.add("dev/null", .char, mode: 0o666, major: 1, minor: 3)
        tar.add("run.fifo", .fifo, mode: 0o600)
        tar.add("tagged", content: "x", pax: ["SCHILY.xattr.user.origin": "layer-test"])
        let archive = tar.archive
        let result = try apply(archive, to: root)
        #expect(result.diffID.description == "sha256:" + SHA256.hash(data: archive).map { String(format: "%02x", $0) }.joined())
        #expect(result.size == Int64(archive.count))
        #expect(result.warnings.isEmpty)

        let etc = try #require(lstatOf(root + "/etc"))
        #expect(etc.st_mode & 0o7777 == 0o750 && etc.st_uid == 1000 && etc.st_gid == 1001)
        let passwd = try #require(lstatOf(root + "/etc/passwd"))
        #expect(passwd.st_mtim.tv_sec == 1_700_000_000 && passwd.st_mtim.tv_nsec == 123_456_789)
        #expect(try String(contentsOfFile: root + "/etc/passwd", encoding: .utf8) == "root:x:0:0\n")
        #expect(try #require(lstatOf(root + "/bin/su")).st_mode & 0o7777 == 0o4755, "setuid survives chown")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/bin/sh") == "su")
        #expect(try #require(lstatOf(root + "/bin/su")).st_nlink == 2)
        let null = try #require(lstatOf(root + "/dev/null"))
        #expect(null.st_mode & S_IFMT == S_IFCHR && null.st_rdev == ctr_makedev(1, 3))
        #expect(try #require(lstatOf(root + "/run.fifo")).st_mode & S_IFMT == S_IFIFO)
        var value = [UInt8](repeating: 0, count: 64)
        let length = getxattr(root + "/tagged", "user.origin", &value, value.count)
        #expect(length > 0 && String(decoding: value.prefix(length), as: UTF8.self) == "layer-test")
    }

    @Test("whiteouts delete files and empty opaque directories on plain trees")
    func deleteWhiteouts() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = try makeRoot("root")
        var base = TarBuilder()
        for path in ["a/", "d/", "d/sub/"] { base.add(path, .directory) }
        for path in ["a/f1", "a/f2", "d/x", "d/sub/y"] { base.add(path, content: path) }
        _ = try apply(base.archive, to: root)

        var top = TarBuilder()
        top.add("a/.wh.f1")
        top.add("d/", .directory)
        top.add("d/z", content: "new")
        top.add("d/.wh..wh..opq")
        _ = try apply(top.archive, to: root)
        #expect(lstatOf(root + "/a/f1") == nil && lstatOf(root + "/a/f2") != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root + "/d") == ["z"],
                "the opaque marker keeps what this layer added and nothing else")
        #expect(lstatOf(root + "/a/.wh.f1") == nil)
    }

    @Test("on overlayfs upper directories whiteouts become 0/0 devices and opaque xattrs")
    func overlayWhiteouts() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lower = try makeRoot("lower")
        try FileManager.default.createDirectory(atPath: lower + "/d", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: lower + "/d/linked", contents: Data("lower file".utf8))
        let upper = try makeRoot("upper")
        var tar = TarBuilder()
        tar.add("a/", .directory)
        tar.add("a/.wh.gone")
        tar.add("d/.wh..wh..opq")
        tar.add("hl", .hardlink, link: "d/linked")
        _ = try apply(tar.archive, to: upper, mode: .overlay(parents: [lower]))
        let whiteout = try #require(lstatOf(upper + "/a/gone"))
        #expect(whiteout.st_mode & S_IFMT == S_IFCHR && whiteout.st_rdev == 0)
        var value = [UInt8](repeating: 0, count: 8)
        #expect(getxattr(upper + "/d", "trusted.overlay.opaque", &value, value.count) == 1 && value[0] == UInt8(ascii: "y"))
        #expect(try String(contentsOfFile: upper + "/hl", encoding: .utf8) == "lower file",
                "a hardlink to a lower layer's file is copied up")
    }

    @Test("gzip and zstd layers unpack to the same diff ID; corrupt data fails with the layer named", arguments: [
        LayerCompression.gzip, LayerCompression.zstd,
    ])
    func compressed(_ compression: LayerCompression) throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var tar = TarBuilder()
        tar.add("big", content: String(repeating: "0123456789abcdef", count: 200_000))
        let plain = try apply(tar.archive, to: try makeRoot("plain"))
        let packed = compression == .gzip ? TarBuilder.gzip(tar.archive) : TarBuilder.zstd(tar.archive)
        let result = try apply(packed, to: try makeRoot("packed"), compression: compression)
        #expect(result.diffID == plain.diffID && result.size == plain.size)
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/packed/big")).count == 3_200_000)

        var corrupt = packed
        corrupt[corrupt.count / 2] ^= 0xff
        corrupt[corrupt.count / 2 + 1] ^= 0xff
        #expect(throws: CtrError.self) { _ = try apply(corrupt, to: try makeRoot("corrupt"), compression: compression) }
        let truncated = Array(packed.prefix(packed.count / 2))
        do {
            _ = try apply(truncated, to: try makeRoot("truncated"), compression: compression)
            Issue.record("a truncated layer applied")
        } catch let error as CtrError {
            #expect(error.message.contains("test layer"), "\(error)")
        }
    }

    @Test("absolute names, .. and symlinks to / resolve inside the root, with a warning")
    func confinement() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let root = try makeRoot("root")
        let outside = directory + "/outside"
        var tar = TarBuilder()
        tar.add("../outside/dotdot", content: "x")
        tar.add(outside + "/absolute", content: "x")
        tar.add("up", .symlink, link: "../../../../")
        tar.add("up" + outside + "/via-symlink", content: "x")
        let result = try apply(tar.archive, to: root)
        #expect(!FileManager.default.fileExists(atPath: outside))
        #expect(FileManager.default.fileExists(atPath: root + "/outside/dotdot"))
        #expect(FileManager.default.fileExists(atPath: root + outside + "/absolute"))
        #expect(FileManager.default.fileExists(atPath: root + outside + "/via-symlink"))
        #expect(result.warnings.count == 2, "\(result.warnings)")
    }
}
