import Core
import Glibc

// Small file-system helpers shared by the daemon's plugins (no Foundation).

/// Creates a directory (and parents) with the given mode; an existing directory is fine.
func makeDirectory(_ path: String, mode: mode_t = 0o700) throws(CtrError) {
    var current = ""
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
        current += "/" + component
        if mkdir(current, mode) != 0 && errno != EEXIST {
            throw .internalError("create directory \(current): \(String(cString: strerror(errno)))")
        }
    }
}

/// Reads a whole file as UTF-8, nil when it cannot be read (errno is set).
func readTextFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if count == 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Writes `bytes` to a temporary file, fsyncs it and renames it over `path`.
func writeFileAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) throws(CtrError) {
    let temporary = path + ".tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    guard fd >= 0 else { throw .internalError("write \(path): \(String(cString: strerror(errno)))") }
    if let code = FileIO.writeAll(fd, bytes[...]) {
        close(fd)
        throw .internalError("write \(path): \(UnixSocket.describe(code))")
    }
    let synced = fsync(fd) == 0
    close(fd)
    guard synced, rename(temporary, path) == 0 else {
        throw .internalError("write \(path): \(String(cString: strerror(errno)))")
    }
}

/// Reads a small text file, without a trailing newline; nil when absent.
func readSmallFile(_ path: String) -> String? {
    guard var text = readTextFile(path) else { return nil }
    while text.last == "\n" { text.removeLast() }
    return text
}

/// fsyncs a directory so a rename inside it is durable.
func syncDirectory(_ path: String) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 {
        fsync(fd)
        close(fd)
    }
}

/// Removes a directory of plain files (an ingest).
func removeTree(_ path: String) {
    if let dir = opendir(path) {
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { unlink(path + "/" + name) }
        }
        closedir(dir)
    }
    rmdir(path)
}

func parentDirectory(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let parent = String(path[..<slash])
    return parent.isEmpty ? "/" : parent
}
