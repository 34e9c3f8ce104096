import CLinux
import Core
import Glibc
import Synchronization

/// Reaps long-lived children (the shims the daemon starts) from one thread: each child's pidfd
/// goes into one epoll set, and the thread reaps a child when its pidfd says it exited. A thread
/// blocked in `waitpid` per shim would hold a thread per container for the container's life.
/// Without pidfds (kernels before 5.3) a child gets a waiting thread of its own, as before.
public final class ChildReaper: Sendable {
    public static let shared = ChildReaper()

    private let epoll: Int32
    /// pidfd → pid of the children being watched.
    private let children = Mutex<[Int32: Int32]>([:])

    private init() {
        epoll = ctr_epoll_create()
        if epoll >= 0 {
            let reaper = self
            BlockingThread.start { reaper.run() }
        }
    }

    /// Reaps `pid` (a child of this process) once it exits.
    public func watch(_ pid: Int32) {
        let pidfd = epoll >= 0 ? ctr_pidfd_open(pid) : -1
        guard pidfd >= 0 else {
            BlockingThread.start { _ = Subprocess.wait(pid) }
            return
        }
        children.withLock { $0[pidfd] = pid }
        if ctr_epoll_add(epoll, pidfd) != 0 {
            children.withLock { _ = $0.removeValue(forKey: pidfd) }
            close(pidfd)
            BlockingThread.start { _ = Subprocess.wait(pid) }
        }
    }

    /// How many children are watched now.
    public var watching: Int { children.withLock { $0.count } }

    private func run() {
        var ready = [Int32](repeating: 0, count: 64)
        while true {
            let count = ctr_epoll_wait(epoll, &ready, Int32(ready.count), -1)
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            for pidfd in ready.prefix(Int(count)) {
                guard let pid = children.withLock({ $0.removeValue(forKey: pidfd) }) else { continue }
                _ = ctr_epoll_remove(epoll, pidfd)
                close(pidfd)
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            }
        }
    }
}
