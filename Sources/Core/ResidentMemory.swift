internal import CLinux
import Glibc

/// The process's resident set, as far as it can shrink it without losing anything.
public enum ResidentMemory {
    /// Unmaps (MADV_DONTNEED) the clean pages of every private, read-only file mapping: the
    /// binary's code and read-only data, and those of shared libraries. The pages stay in the page
    /// cache, shared with every other `ctr` process, and fault back in (a minor fault each) when
    /// the code runs again. Mappings holding copied-on-write pages (relocated RELRO) are left
    /// alone. Returns the size of the mappings released, nil if /proc/self/smaps is unreadable.
    @discardableResult
    public static func releaseFilePages() -> Int? {
        let released = ctr_release_file_pages()
        return released < 0 ? nil : Int(released)
    }

    /// Caps glibc's malloc arenas (unless MALLOC_ARENA_MAX says otherwise). By default each thread
    /// that meets contention gets an arena of its own, up to 8 per core, and every arena keeps
    /// the memory freed into it; a daemon with a thread per blocking wait holds a few MB that way.
    public static func limitMallocArenas(_ count: Int32) {
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        _ = ctr_limit_malloc_arenas(count)
    }
}
