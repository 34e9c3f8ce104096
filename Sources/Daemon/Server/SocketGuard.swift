public import Core
import Glibc

/// Makes sure one daemon owns a socket path: an exclusive lock on `<socket>.lock` and a probe of
/// the socket itself. A stale socket left by a crashed daemon is removed; a live one is an error.
public final class SocketGuard: Sendable {
    public let path: String
    private let lockFD: Int32

    public init(path: String) throws(CtrError) {
        self.path = path
        let directory = parentDirectory(path)
        try makeDirectories(directory, mode: 0o711)
        let fd = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw .internalError("open lock file \(path).lock: \(Errno.current)")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            Glibc.close(fd)
            throw .failedPrecondition("another daemon is listening on \(path)")
        }
        if SocketGuard.isListening(path) {
            Glibc.close(fd)
            throw .failedPrecondition("another daemon is listening on \(path)")
        }
        if unlink(path) != 0 && errno != ENOENT {
            let reason = Errno.current
            Glibc.close(fd)
            throw .internalError("remove stale socket \(path): \(reason)")
        }
        lockFD = fd
    }

    /// Sets the socket's owner and mode once the server has bound it.
    public func secure(uid: Int, gid: Int, mode: mode_t = 0o660) throws(CtrError) {
        if chown(path, uid_t(uid), gid_t(gid)) != 0 {
            throw .internalError("chown \(path): \(Errno.current)")
        }
        if chmod(path, mode) != 0 {
            throw .internalError("chmod \(path): \(Errno.current)")
        }
    }

    /// Removes the socket and releases the lock.
    public func release() {
        unlink(path)
        unlink(path + ".lock")
        Glibc.close(lockFD)
    }

    /// True when something accepts connections on the Unix socket at `path`.
    public static func isListening(_ path: String) -> Bool {
        UnixSocket.probe(path) == nil
    }
}
