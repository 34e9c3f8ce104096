import Glibc

// Whole-file helpers shared by the daemon, the shim and the snapshotters.

/// Reads a whole file as UTF-8, nil when it cannot be read (errno is set).
public func readTextFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    let (bytes, error) = FileIO.readAll(fd)
    if let error {
        errno = error
        return nil
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Writes `bytes` to a temporary file, fsyncs it and renames it over `path`. `durable: false`
/// skips the fsync for files that need to survive a daemon crash but not a power loss (files of
/// running containers, which a power loss ends anyway).
public func writeFileAtomically(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o600,
                                durable: Bool = true) throws(CtrError) {
    let temporary = path + ".tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw .internalError("write \(path): \(Errno.current)") }
    if let code = FileIO.writeAll(fd, bytes[...]) {
        close(fd)
        throw .internalError("write \(path): \(Errno(code))")
    }
    let synced = !durable || fsync(fd) == 0
    close(fd)
    guard synced, rename(temporary, path) == 0 else {
        throw .internalError("write \(path): \(Errno.current)")
    }
}

/// `mkdir -p`: creates `path` and its missing parents with `mode`; existing directories are fine.
public func makeDirectories(_ path: String, mode: mode_t) throws(CtrError) {
    var current = ""
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
        current += "/" + component
        if mkdir(current, mode) != 0 && errno != EEXIST {
            throw .internalError("create directory \(current): \(Errno.current)")
        }
    }
}

/// Reads a small text file, without a trailing newline; nil when absent.
public func readSmallFile(_ path: String) -> String? {
    guard var text = readTextFile(path) else { return nil }
    while text.last == "\n" { text.removeLast() }
    return text
}


extension String {
    /// Without leading and trailing whitespace and newlines.
    public var trimmed: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace || first.isNewline { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace || last.isNewline { scalars.removeLast() }
        return String(scalars)
    }
}
