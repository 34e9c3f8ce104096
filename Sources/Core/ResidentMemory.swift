internal import CLinux
import Glibc

/// Settings that bound how much anonymous memory the process keeps.
public enum ResidentMemory {
    /// Caps glibc's malloc arenas (unless MALLOC_ARENA_MAX says otherwise). By default each thread
    /// that meets contention gets an arena of its own, up to 8 per core, and every arena keeps
    /// the memory freed into it; a daemon with a thread per blocking wait holds a few MB that way.
    public static func limitMallocArenas(_ count: Int32) {
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        _ = ctr_limit_malloc_arenas(count)
    }

    /// Gives memory malloc holds free back to the system when more than `threshold` bytes are
    /// free; the daemon calls it every few seconds. glibc returns freed memory only from the top
    /// of the heap: a burst of connections (3,000 at once, measured) left 50 MB freed but
    /// resident, more after each burst, until a `malloc_trim` returned all of it. The check is
    /// cheap; the trim runs only after such a peak.
    public static func trimIfWorthIt(threshold: UInt = 8 << 20) {
        if ctr_malloc_free_bytes() > threshold { _ = ctr_malloc_trim() }
    }

    /// Raises the soft limit on open descriptors to the hard limit, as Go does at start for
    /// containerd: every client connection, container log and shim call holds one. Children get
    /// the raised limit; containers get theirs from their spec.
    public static func raiseDescriptorLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
