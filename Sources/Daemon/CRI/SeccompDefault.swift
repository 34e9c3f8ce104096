/// The runtime's built-in seccomp profile ("runtime/default"): the same syscall filter that containerd's
/// CRI plugin (1.6) generates by default, as a table; `SeccompProfile.runtimeDefault` filters it
/// for a container's capabilities and the host's architecture and kernel.
///
/// Anything not matched by a rule fails with `defaultAction` / `defaultErrnoRet`. Rules are listed in the
/// order the reference builds them; a rule only takes part when its conditions hold:
/// - `includeCaps` / `excludeCaps` are checked against the container's bounding capabilities;
/// - `includeArches` / `excludeArches` use Go `GOARCH` names ("amd64", "386", "s390x", ...) and are
///   compared with the host's architecture, so on x86_64 only the rules that admit "amd64" remain;
/// - `minKernel` is compared with the running kernel's major.minor release.
enum SeccompDefault {
    static let defaultAction = "SCMP_ACT_ERRNO"
    static let defaultErrnoRet: UInt32 = 1   // EPERM

    /// ENOSYS, so that libc falls back from clone3 to clone instead of failing outright.
    static let enosys: UInt32 = 38

    /// CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP
    static let namespaceCloneFlags: UInt64 = 0x7E02_0000

    static let rules: [SeccompRule] = [
        allow([
            "accept", "accept4", "access", "adjtimex", "alarm", "bind", "brk", "capget", "capset", "chdir",
            "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64", "clock_getres",
            "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
            "clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat", "dup",
            "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait",
            "epoll_pwait2", "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat",
            "exit", "exit_group", "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate",
            "fanotify_mark", "fchdir", "fchmod", "fchmodat", "fchown", "fchown32", "fchownat", "fcntl",
            "fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr",
            "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64",
            "futex", "futex_time64", "futex_waitv", "futimesat", "getcpu", "getcwd", "getdents",
            "getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups",
            "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid",
            "getpriority", "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit",
            "get_robust_list", "getrusage", "getsid", "getsockname", "getsockopt", "get_thread_area",
            "gettid", "gettimeofday", "getuid", "getuid32", "getxattr", "inotify_add_watch", "inotify_init",
            "inotify_init1", "inotify_rm_watch", "io_cancel", "ioctl", "io_destroy", "io_getevents",
            "io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup", "io_submit",
            "io_uring_enter", "io_uring_register", "io_uring_setup", "ipc", "kill", "landlock_add_rule",
            "landlock_create_ruleset", "landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link",
            "linkat", "listen", "listxattr", "llistxattr", "_llseek", "lremovexattr", "lseek", "lsetxattr",
            "lstat", "lstat64", "madvise", "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir",
            "mkdirat", "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect",
            "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64",
            "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv",
            "msgsnd", "msync", "munlock", "munlockall", "munmap", "nanosleep", "newfstatat", "_newselect",
            "open", "openat", "openat2", "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc",
            "pkey_free", "pkey_mprotect", "poll",
            "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2", "prlimit64",
            "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev", "pwritev2", "read",
            "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg",
            "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename", "renameat",
            "renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
            "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
            "rt_sigtimedwait_time64", "rt_tgsigqueueinfo", "sched_getaffinity", "sched_getattr",
            "sched_getparam", "sched_get_priority_max", "sched_get_priority_min", "sched_getscheduler",
            "sched_rr_get_interval", "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr",
            "sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget",
            "semop", "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg",
            "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid", "setfsuid32", "setgid", "setgid32",
            "setgroups", "setgroups32", "setitimer", "setpgid", "setpriority", "setregid", "setregid32",
            "setresgid", "setresgid32", "setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
            "set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address", "setuid",
            "setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack",
            "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socket", "socketcall", "socketpair",
            "splice", "stat", "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync",
            "sync_file_range", "syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
            "timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime", "timer_settime64",
            "timerfd_create", "timerfd_gettime", "timerfd_gettime64", "timerfd_settime",
            "timerfd_settime64", "times", "tkill", "truncate", "truncate64", "ugetrlimit", "umask", "uname",
            "unlink", "unlinkat", "utime", "utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice",
            "wait4", "waitid", "waitpid", "write", "writev",
        ]),

        // personality(2) only with PER_LINUX, PER_LINUX32, UNAME26, UNAME26|PER_LINUX32, or a query.
        allow(["personality"], args: [equal(index: 0, 0x0)]),
        allow(["personality"], args: [equal(index: 0, 0x0008)]),
        allow(["personality"], args: [equal(index: 0, 0x20000)]),
        allow(["personality"], args: [equal(index: 0, 0x20008)]),
        allow(["personality"], args: [equal(index: 0, 0xFFFF_FFFF)]),

        allow(["ptrace"], minKernel: "4.8"),

        // Architecture-specific calls.
        allow(["sync_file_range2", "swapcontext"], arches: ["ppc64le"]),
        allow(["arm_fadvise64_64", "arm_sync_file_range", "sync_file_range2", "breakpoint", "cacheflush", "set_tls"],
              arches: ["arm", "arm64"]),
        allow(["arch_prctl", "modify_ldt"], arches: ["amd64"]),
        allow(["modify_ldt"], arches: ["386"]),
        allow(["s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"], arches: ["s390", "s390x"]),
        allow(["riscv_flush_icache"], arches: ["riscv64"]),

        // Calls granted together with a capability.
        allow(["open_by_handle_at"], caps: ["CAP_DAC_READ_SEARCH"]),
        allow([
            "bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
            "lookup_dcookie", "mount", "mount_setattr", "move_mount", "name_to_handle_at", "open_tree",
            "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns", "syslog",
            "umount", "umount2", "unshare",
        ], caps: ["CAP_SYS_ADMIN"]),
        allow(["reboot"], caps: ["CAP_SYS_BOOT"]),
        allow(["chroot"], caps: ["CAP_SYS_CHROOT"]),
        allow(["delete_module", "init_module", "finit_module"], caps: ["CAP_SYS_MODULE"]),
        allow(["acct"], caps: ["CAP_SYS_PACCT"]),
        allow(["kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"],
              caps: ["CAP_SYS_PTRACE"]),
        allow(["iopl", "ioperm"], caps: ["CAP_SYS_RAWIO"]),
        allow(["settimeofday", "stime", "clock_settime", "clock_settime64"], caps: ["CAP_SYS_TIME"]),
        allow(["vhangup"], caps: ["CAP_SYS_TTY_CONFIG"]),
        // Added in 1.6.7 (containerd PR 7167, as Docker's profile has it).
        allow(["get_mempolicy", "mbind", "set_mempolicy"], caps: ["CAP_SYS_NICE"]),
        allow(["syslog"], caps: ["CAP_SYSLOG"]),
        allow(["bpf"], caps: ["CAP_BPF"]),
        allow(["perf_event_open"], caps: ["CAP_PERFMON"]),

        // Without CAP_SYS_ADMIN: clone only when no new namespace is requested (the flags are the
        // second argument on s390), and clone3, whose flags live in memory, reports ENOSYS.
        allow(["clone"], args: [maskedZero(index: 1, namespaceCloneFlags)],
              notCaps: ["CAP_SYS_ADMIN"], arches: ["s390", "s390x"]),
        allow(["clone"], args: [maskedZero(index: 0, namespaceCloneFlags)],
              notCaps: ["CAP_SYS_ADMIN"], notArches: ["s390", "s390x"]),
        SeccompRule(names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: enosys, args: [],
                    includeCaps: [], excludeCaps: ["CAP_SYS_ADMIN"], includeArches: [], excludeArches: [],
                    minKernel: nil),
    ]

    private static func allow(
        _ names: [String], args: [SeccompArg] = [], caps: [String] = [], notCaps: [String] = [],
        arches: [String] = [], notArches: [String] = [], minKernel: String? = nil
    ) -> SeccompRule {
        SeccompRule(names: names, action: "SCMP_ACT_ALLOW", errnoRet: nil, args: args,
                    includeCaps: caps, excludeCaps: notCaps, includeArches: arches, excludeArches: notArches,
                    minKernel: minKernel)
    }

    private static func equal(index: UInt, _ value: UInt64) -> SeccompArg {
        SeccompArg(index: index, value: value, valueTwo: 0, op: "SCMP_CMP_EQ")
    }

    /// Matches when none of `mask`'s bits are set in the argument.
    private static func maskedZero(index: UInt, _ mask: UInt64) -> SeccompArg {
        SeccompArg(index: index, value: mask, valueTwo: 0, op: "SCMP_CMP_MASKED_EQ")
    }
}
