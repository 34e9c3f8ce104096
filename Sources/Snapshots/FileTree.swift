import CLinux
import Core
import Glibc

/// File-tree helpers that never follow a symlink: snapshot contents are untrusted.
public enum FileTree {
    /// Removes `path` and everything under it; absent is fine.
    public static func remove(_ path: String) throws(CtrError) {
        let parentPath = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let name = String(path.split(separator: "/").last ?? "")
        let parent = open(parentPath.isEmpty ? "/" : parentPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard parent >= 0 else {
            if errno == ENOENT { return }
            throw .internalError("remove \(path): \(Errno.current)")
        }
        defer { close(parent) }
        try remove(parent, name, display: path)
    }

    public static func remove(_ parent: Int32, _ name: String, display: String) throws(CtrError) {
        var info = stat()
        guard fstatat(parent, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return }
            throw .internalError("remove \(display): \(Errno.current)")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw .internalError("remove \(display): \(Errno.current)") }
            defer { close(fd) }
            for child in list(fd) { try remove(fd, child, display: display + "/" + child) }
            if unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT {
                throw .internalError("remove \(display): \(Errno.current)")
            }
        } else if unlinkat(parent, name, 0) != 0 && errno != ENOENT {
            throw .internalError("remove \(display): \(Errno.current)")
        }
    }

    /// Names in an open directory (the descriptor stays open).
    static func list(_ fd: Int32) -> [String] {
        let copy = dup(fd)
        guard copy >= 0, let dir = fdopendir(copy) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    public static func list(_ path: String) -> [String] {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        return list(fd)
    }

    /// Disk usage as containerd counts it: allocated blocks and distinct inodes.
    static func usage(_ path: String) -> SnapshotUsage {
        var seen: Set<UInt64> = []
        var size: Int64 = 0
        func walk(_ fd: Int32) {
            for name in list(fd) {
                var info = stat()
                guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
                if seen.insert(UInt64(info.st_ino)).inserted { size += Int64(info.st_blocks) * 512 }
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                    if child >= 0 {
                        walk(child)
                        close(child)
                    }
                }
            }
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return SnapshotUsage(size: 0, inodes: 0) }
        defer { close(fd) }
        walk(fd)
        return SnapshotUsage(size: size, inodes: Int64(seen.count))
    }

    static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(CtrError) {
        if mkdir(path, mode) != 0 && errno != EEXIST {
            throw .internalError("create directory \(path): \(Errno.current)")
        }
    }
}

extension FileTree {
    /// A small file (up to 1 MiB) read from inside `root`, its path resolved as if `root` were
    /// `/` (openat2 RESOLVE_IN_ROOT): an image's symlink cannot make it read a host file. Nil
    /// when the file is absent.
    public static func readConfined(_ path: String, in root: String) -> String? {
        let rootFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { return nil }
        defer { close(rootFD) }
        let fd = ctr_openat2(rootFD, path, O_RDONLY | O_CLOEXEC, 0, UInt64(CTR_RESOLVE_IN_ROOT))
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return String(decoding: FileIO.readAll(fd, limit: 1 << 20).bytes, as: UTF8.self)
    }
}
