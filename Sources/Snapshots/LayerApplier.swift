import CLinux
import Core
import Glibc

/// How a layer's whiteouts are written.
public enum WhiteoutMode: Sendable {
    /// Into an overlayfs upper directory: `.wh.<name>` becomes a 0/0 character device, an opaque
    /// marker becomes the `trusted.overlay.opaque` xattr. `parents` are the lower directories,
    /// nearest first, consulted for hardlink targets and parent directory metadata.
    case overlay(parents: [String])
    /// Onto a full copy of the tree (native snapshots, plain mounts): whiteouts delete.
    case delete
}

/// What applying a layer did.
public struct ApplyResult: Sendable {
    /// The uncompressed tar's digest and size: the layer's diff ID.
    public var diffID: Digest
    public var size: Int64
    /// Entries that were rewritten to stay inside the root (e.g. `../x`, `/x`), with the reason.
    public var warnings: [String]
}

/// Extracts an image layer into a directory, confined to it: every path is resolved with
/// openat2(RESOLVE_IN_ROOT), so `..`, absolute names and symlinks (absolute or relative, in this
/// layer or an earlier one) resolve inside the root, and every change is made relative to a
/// directory descriptor with the final component never followed.
public final class LayerApplier {
    let root: String
    let mode: WhiteoutMode
    private let rootFD: Int32
    private var created: Set<String> = []
    private var directoryTimes: [(path: String, seconds: Int64, nanos: Int64)] = []
    private(set) var warnings: [String] = []

    public init(root: String, mode: WhiteoutMode) throws(CtrError) {
        self.root = root
        self.mode = mode
        rootFD = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { throw .internalError("apply layer: open \(root): \(Errno.current)") }
    }

    deinit { close(rootFD) }

    /// Applies the layer blob open at `fd` (compressed as `compression`); `name` names it in errors.
    public static func apply(fd: Int32, compression: LayerCompression, name: String, root: String,
                             mode: WhiteoutMode) throws(CtrError) -> ApplyResult {
        let file = FileReader(fd: fd, name: name)
        let digesting = DigestingReader(try compression.reader(file, name: name))
        let tar = LayerTarReader(digesting, name: name)
        let applier = try LayerApplier(root: root, mode: mode)
        while let entry = try tar.next() {
            try applier.apply(entry, tar)
        }
        applier.finish()
        let diffID = try digesting.finish()
        return ApplyResult(diffID: diffID, size: digesting.count, warnings: applier.warnings)
    }

    // MARK: Entries

    func apply(_ entry: LayerEntry, _ tar: LayerTarReader) throws(CtrError) {
        let components = clean(entry.name)
        guard let base = components.last else { return }  // the root itself
        let path = components.joined(separator: "/")
        let parentPath = components.dropLast().joined(separator: "/")
        let parent = try openParent(components.dropLast(), for: entry.name)
        defer { close(parent) }

        if base.hasPrefix(".wh.") {
            try whiteout(parent: parent, parentPath: parentPath, base: base, entry: entry)
            return
        }
        created.insert(path)

        var existing = stat()
        if fstatat(parent, base, &existing, AT_SYMLINK_NOFOLLOW) == 0 {
            let bothDirectories = (existing.st_mode & S_IFMT) == S_IFDIR && entry.kind == .directory
            if !bothDirectories { try removeTree(parent, base, display: path) }
        }

        switch entry.kind {
        case .directory:
            if mkdirat(parent, base, 0o700) != 0 && errno != EEXIST { throw failure("create directory", path) }
            let fd = openat(parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw failure("open directory", path) }
            defer { close(fd) }
            try setMetadata(fd: fd, entry, path)
            directoryTimes.append((path, entry.mtimeSeconds, entry.mtimeNanos))
        case .regular:
            let fd = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw failure("create file", path) }
            defer { close(fd) }
            try tar.readData { (chunk) throws(CtrError) in
                if let code = FileIO.writeAll(fd, chunk[...]) {
                    throw .internalError("apply layer: write \(path): \(Errno(code))")
                }
            }
            try setMetadata(fd: fd, entry, path)
            try setTimes(fd: fd, entry, path)
        case .symlink:
            if symlinkat(entry.linkname, parent, base) != 0 { throw failure("create symlink", path) }
            fchownat(parent, base, entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW)
            for (name, value) in entry.xattrs where !name.hasPrefix("trusted.overlay.") {
                _ = value.withUnsafeBytes { lsetxattr("/proc/self/fd/\(parent)/\(base)", name, $0.baseAddress, $0.count, 0) }
            }
            var times = Self.timespecs(entry)
            utimensat(parent, base, &times, AT_SYMLINK_NOFOLLOW)
        case .hardlink:
            try hardlink(entry, parent: parent, base: base, path: path)
        case .characterDevice, .blockDevice, .fifo:
            let type: mode_t = entry.kind == .fifo ? S_IFIFO : entry.kind == .blockDevice ? S_IFBLK : S_IFCHR
            if mknodat(parent, base, type | 0o600, ctr_makedev(entry.deviceMajor, entry.deviceMinor)) != 0 {
                throw failure("create device", path)
            }
            if fchownat(parent, base, entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW) != 0 { throw failure("chown", path) }
            if fchmodat(parent, base, mode_t(entry.mode & 0o7777), 0) != 0 { throw failure("chmod", path) }
            var times = Self.timespecs(entry)
            utimensat(parent, base, &times, AT_SYMLINK_NOFOLLOW)
        }
    }

    /// Sets directory times last: creating children changes them.
    func finish() {
        for item in directoryTimes.reversed() {
            let fd = item.path.isEmpty ? dup(rootFD)
                : ctr_openat2(rootFD, item.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0, UInt64(CTR_RESOLVE_IN_ROOT))
            guard fd >= 0 else { continue }
            var times = [timespec(tv_sec: Int(item.seconds), tv_nsec: Int(item.nanos)),
                         timespec(tv_sec: Int(item.seconds), tv_nsec: Int(item.nanos))]
            futimens(fd, &times)
            close(fd)
        }
    }

    // MARK: Whiteouts

    private func whiteout(parent: Int32, parentPath: String, base: String, entry: LayerEntry) throws(CtrError) {
        if base == ".wh..wh..opq" {
            switch mode {
            case .overlay:
                let value: [UInt8] = [UInt8(ascii: "y")]
                let result = value.withUnsafeBytes { fsetxattr(parent, "trusted.overlay.opaque", $0.baseAddress, $0.count, 0) }
                if result != 0 { throw failure("mark opaque", parentPath.isEmpty ? "/" : parentPath) }
            case .delete:
                // Everything the lower layers put in this directory goes; what this layer added stays.
                for name in FileTree.list(parent) {
                    let child = parentPath.isEmpty ? name : parentPath + "/" + name
                    if !created.contains(child) { try removeTree(parent, name, display: child) }
                }
            }
            return
        }
        let target = String(base.dropFirst(".wh.".count))
        guard !target.isEmpty, target != ".", target != "..", !target.contains("/") else {
            warnings.append("whiteout \"\(entry.name)\" names no file: ignored")
            return
        }
        let path = parentPath.isEmpty ? target : parentPath + "/" + target
        try removeTree(parent, target, display: path)
        if case .overlay = mode {
            if mknodat(parent, target, S_IFCHR | 0o600, ctr_makedev(0, 0)) != 0 { throw failure("create whiteout", path) }
        }
    }

    // MARK: Hardlinks

    private func hardlink(_ entry: LayerEntry, parent: Int32, base: String, path: String) throws(CtrError) {
        let targetComponents = clean(entry.linkname, entryName: entry.name, isLink: true)
        guard let targetBase = targetComponents.last else {
            throw .invalidArgument("apply layer: hardlink \"\(entry.name)\" points at the root")
        }
        let targetParentPath = targetComponents.dropLast().joined(separator: "/")
        let targetParent = ctr_openat2(rootFD, targetParentPath.isEmpty ? "." : targetParentPath,
                                       O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0, UInt64(CTR_RESOLVE_IN_ROOT))
        if targetParent >= 0 {
            defer { close(targetParent) }
            if linkat(targetParent, targetBase, parent, base, 0) == 0 { return }
            if errno != ENOENT { throw failure("hardlink to \"\(entry.linkname)\"", path) }
        }
        // The target may live in a lower layer: copy it up.
        if case .overlay(let parents) = mode {
            for lower in parents where try copyUp(from: lower, targetComponents.joined(separator: "/"), parent: parent, base: base, path: path) {
                return
            }
        }
        throw .invalidArgument("apply layer: hardlink \"\(entry.name)\": target \"\(entry.linkname)\" not found in the layer")
    }

    private func copyUp(from lower: String, _ relative: String, parent: Int32, base: String, path: String) throws(CtrError) -> Bool {
        let lowerFD = open(lower, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard lowerFD >= 0 else { return false }
        defer { close(lowerFD) }
        let source = ctr_openat2(lowerFD, relative, O_RDONLY | O_NOFOLLOW | O_CLOEXEC, 0, UInt64(CTR_RESOLVE_IN_ROOT))
        guard source >= 0 else { return false }
        defer { close(source) }
        var info = stat()
        guard fstat(source, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        let destination = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard destination >= 0 else { throw failure("copy up", path) }
        defer { close(destination) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(source, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw failure("copy up", path) }
            if count == 0 { break }
            if let code = FileIO.writeAll(destination, buffer[0..<count]) {
                throw .internalError("apply layer: copy up \(path): \(Errno(code))")
            }
        }
        fchown(destination, info.st_uid, info.st_gid)
        fchmod(destination, info.st_mode & 0o7777)
        var times = [info.st_atim, info.st_mtim]
        futimens(destination, &times)
        return true
    }

    // MARK: Paths

    /// Splits a tar name into components inside the root: `.` and empty parts go, `..` climbs but
    /// never above the root (as `filepath.Clean("/" + name)` does), a leading `/` is dropped.
    func clean(_ name: String, entryName: String? = nil, isLink: Bool = false) -> [String] {
        var components: [String] = []
        var escaped = name.hasPrefix("/")
        for part in name.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if components.popLast() == nil { escaped = true }
                continue
            }
            components.append(String(part))
        }
        if escaped {
            let what = isLink ? "link target \"\(name)\" of \"\(entryName ?? "")\"" : "entry \"\(name)\""
            warnings.append("\(what) points outside the layer: confined to \"/\(components.joined(separator: "/"))\"")
        }
        return components
    }

    /// Opens the directory holding an entry, resolving inside the root and creating missing
    /// directories (with a lower layer's metadata when one has them).
    private func openParent(_ components: ArraySlice<String>, for name: String) throws(CtrError) -> Int32 {
        let path = components.joined(separator: "/")
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC
        let resolve = UInt64(CTR_RESOLVE_IN_ROOT)
        var fd = ctr_openat2(rootFD, path.isEmpty ? "." : path, flags, 0, resolve)
        if fd >= 0 { return fd }
        guard errno == ENOENT else { throw failure("open parent directory of", name) }
        // Walk down, creating what is missing.
        fd = dup(rootFD)
        var prefix: [String] = []
        for component in components {
            prefix.append(component)
            let sub = prefix.joined(separator: "/")
            var next = ctr_openat2(rootFD, sub, flags, 0, resolve)
            if next < 0 && errno == ENOENT {
                if mkdirat(fd, component, 0o755) != 0 && errno != EEXIST {
                    close(fd)
                    throw failure("create parent directory", sub)
                }
                copyParentMetadata(fd, component, sub)
                next = ctr_openat2(rootFD, sub, flags, 0, resolve)
            }
            close(fd)
            guard next >= 0 else {
                throw .invalidArgument("apply layer: entry \"\(name)\": parent \"\(sub)\" is not a directory inside the layer (a symlink leading outside it or nowhere)")
            }
            fd = next
        }
        return fd
    }

    private func copyParentMetadata(_ parent: Int32, _ base: String, _ path: String) {
        guard case .overlay(let parents) = mode else { return }
        for lower in parents {
            var info = stat()
            guard stat(lower + "/" + path, &info) == 0 else { continue }
            fchownat(parent, base, info.st_uid, info.st_gid, AT_SYMLINK_NOFOLLOW)
            fchmodat(parent, base, info.st_mode & 0o7777, 0)
            return
        }
    }

    // MARK: Helpers

    private func setMetadata(fd: Int32, _ entry: LayerEntry, _ path: String) throws(CtrError) {
        if fchown(fd, entry.uid, entry.gid) != 0 { throw failure("chown", path) }
        for (name, value) in entry.xattrs where !name.hasPrefix("trusted.overlay.") {
            let result = value.withUnsafeBytes { fsetxattr(fd, name, $0.baseAddress, $0.count, 0) }
            if result != 0 && errno != ENOTSUP { throw failure("set xattr \(name) on", path) }
        }
        if fchmod(fd, mode_t(entry.mode & 0o7777)) != 0 { throw failure("chmod", path) }
    }

    private func setTimes(fd: Int32, _ entry: LayerEntry, _ path: String) throws(CtrError) {
        var times = Self.timespecs(entry)
        if futimens(fd, &times) != 0 { throw failure("set times of", path) }
    }

    static func timespecs(_ entry: LayerEntry) -> [timespec] {
        let time = timespec(tv_sec: Int(entry.mtimeSeconds), tv_nsec: Int(entry.mtimeNanos))
        return [time, time]
    }

    /// Removes `name` in directory `parent` and everything under it, following no symlink.
    func removeTree(_ parent: Int32, _ name: String, display: String) throws(CtrError) {
        try FileTree.remove(parent, name, display: display)
    }

    private func failure(_ action: String, _ path: String) -> CtrError {
        .internalError("apply layer: \(action) \"\(path)\": \(Errno.current)")
    }
}
