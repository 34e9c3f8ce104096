/// Linux capabilities by name, as the OCI runtime spec writes them (`CAP_SYS_ADMIN`).
public enum LinuxCapabilities {
    /// Every capability the kernel defines up to Linux 6.x, in bit order: `known[n]` is bit `n`.
    public static let known = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
        "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
        "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ]

    /// The known capabilities set in `mask` (a `CapEff:` line of /proc/PID/status), in bit order.
    public static func names(inMask mask: UInt64) -> [String] {
        known.indices.filter { mask & (1 << UInt64($0)) != 0 }.map { known[$0] }
    }

    /// The capability mask on `field`'s line (`CapEff`, `CapBnd`, …) of a /proc/PID/status text.
    public static func mask(_ field: String, inStatus status: String) -> UInt64? {
        let prefix = field + ":"
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return UInt64(String(line.dropFirst(prefix.count)).trimmed, radix: 16)
    }

    /// The capabilities this process holds (its effective set): what a privileged container, or
    /// one that adds `ALL`, gets. A fixed list of every capability would make runc fail on a host
    /// whose bounding set lacks some ("unable to apply caps: operation not permitted").
    public static func current() -> [String] {
        guard let status = readTextFile("/proc/self/status"), let mask = mask("CapEff", inStatus: status) else { return [] }
        return names(inMask: mask)
    }

    /// `name` as the spec writes it, with or without `CAP_` and in any case (`net_admin`,
    /// `CAP_NET_ADMIN`); nil for a name the kernel does not define.
    public static func canonical(_ name: String) -> String? {
        let upper = name.uppercased()
        let full = upper.hasPrefix("CAP_") ? upper : "CAP_" + upper
        return known.contains(full) ? full : nil
    }
}
