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
}
