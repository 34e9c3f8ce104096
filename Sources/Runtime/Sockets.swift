import CLinux
public import Core
import Glibc

/// Unix stream sockets carrying one JSON line each way.
public enum LineSocket {
    /// Built here: Core's tuple-returning address builder, called from this module, returned a
    /// zeroed address in the release build (AF_UNSPEC, empty path: every shim failed to listen
    /// with EINVAL), while debug builds and calls inside Core were right.
    static func address(_ path: String) throws(CtrError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw .invalidArgument("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        return address
    }

    /// Binds and listens on `path` (replacing a stale socket file), mode 0600.
    public static func listen(_ path: String) throws(CtrError) -> Int32 {
        var address = try address(path)
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .internalError("socket: \(Errno.current)") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, chmod(path, 0o600) == 0, Glibc.listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw .internalError("listen on \(path): \(Errno(code))")
        }
        return fd
    }

    /// Connects to `path`; `unavailable` when nothing listens there.
    public static func connect(_ path: String) throws(CtrError) -> Int32 {
        var address = try address(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .internalError("socket: \(Errno.current)") }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw .unavailable("connect to \(path): \(Errno(code))")
        }
        return fd
    }

    /// Reads until a newline or the end of the stream; nil when nothing came.
    public static func readLine(_ fd: Int32, limit: Int = 16 << 20) -> [UInt8]? {
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while line.count < limit {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return line.isEmpty ? nil : line
            }
            if count == 0 { return line.isEmpty ? nil : line }
            if let newline = buffer[0..<count].firstIndex(of: UInt8(ascii: "\n")) {
                line.append(contentsOf: buffer[0..<newline])
                return line
            }
            line.append(contentsOf: buffer[0..<count])
        }
        return line
    }
}
