import CLinux
public import Core
import Glibc

/// Mounts containerd mount descriptions with mount(2).
public enum Mounter {
    /// Mounts every mount in order at `target`.
    public static func mount(_ mounts: [Mount], at target: String) throws(CtrError) {
        for item in mounts {
            try mount(item, at: target)
        }
    }

    static func mount(_ item: Mount, at target: String) throws(CtrError) {
        var flags: UInt = 0
        var data: [String] = []
        var readOnly = false
        for option in item.options {
            switch option {
            case "ro": readOnly = true
            case "rw": readOnly = false
            case "bind": flags |= UInt(MS_BIND)
            case "rbind": flags |= UInt(MS_BIND) | UInt(MS_REC)
            case "nosuid": flags |= UInt(MS_NOSUID)
            case "nodev": flags |= UInt(MS_NODEV)
            case "noexec": flags |= UInt(MS_NOEXEC)
            case "noatime": flags |= UInt(MS_NOATIME)
            case "relatime": flags |= UInt(MS_RELATIME)
            case "strictatime": flags |= UInt(MS_STRICTATIME)
            case "sync": flags |= UInt(MS_SYNCHRONOUS)
            case "private": flags |= UInt(MS_PRIVATE)
            case "rprivate": flags |= UInt(MS_PRIVATE) | UInt(MS_REC)
            default: data.append(option)
            }
        }
        if item.type == "bind" { flags |= UInt(MS_BIND) }
        let isBind = flags & UInt(MS_BIND) != 0
        if readOnly && !isBind { flags |= UInt(MS_RDONLY) }
        let options = data.joined(separator: ",")
        let result = options.withCString { pointer in
            Glibc.mount(item.source, target, isBind ? "" : item.type, flags, data.isEmpty ? nil : UnsafeRawPointer(pointer))
        }
        guard result == 0 else {
            throw .internalError("mount \(item.type) \(item.source) at \(target): \(Errno.current)")
        }
        if isBind && readOnly {
            let remount = Glibc.mount("", target, "", UInt(MS_BIND | MS_REMOUNT | MS_RDONLY) | (flags & ~UInt(MS_REC)), nil)
            if remount != 0 {
                let code = errno
                umount2(target, Int32(MNT_DETACH))
                throw .internalError("remount \(target) read-only: \(Errno(code))")
            }
        }
    }

    /// Unmounts everything mounted at `target` (stacked mounts included).
    public static func unmountAll(_ target: String) {
        while umount2(target, 0) == 0 {}
        if errno == EBUSY { umount2(target, Int32(MNT_DETACH)) }
    }

    /// Mounts `mounts` on a fresh temporary directory under `base`, runs `body` with it, then
    /// unmounts and removes it.
    public static func withTemporaryMount<T>(_ mounts: [Mount], base: String,
                                             _ body: (String) throws(CtrError) -> T) throws(CtrError) -> T {
        var template = Array((base + "/mount-XXXXXX").utf8CString)
        guard let created = template.withUnsafeMutableBufferPointer({ $0.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw .internalError("create temporary mount point under \(base): \(Errno.current)")
        }
        let target = String(cString: created)
        defer {
            unmountAll(target)
            rmdir(target)
        }
        try mount(mounts, at: target)
        return try body(target)
    }
}
