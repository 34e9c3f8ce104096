import Glibc

extension OCISpec {
    /// A device node the runtime creates in the container (`linux.devices`).
    public struct Device: Codable, Sendable, Equatable {
        public var path: String
        /// `c` (character) or `b` (block).
        public var type: String
        public var major: Int64
        public var minor: Int64
        public var fileMode: UInt32?
        public var uid: UInt32?
        public var gid: UInt32?

        public init(path: String, type: String, major: Int64, minor: Int64, fileMode: UInt32?, uid: UInt32?, gid: UInt32?) {
            self.path = path
            self.type = type
            self.major = major
            self.minor = minor
            self.fileMode = fileMode
            self.uid = uid
            self.gid = gid
        }
    }

    /// Directories under /dev that hold no devices of the host's own (terminals, shared memory,
    /// file descriptors, message queues) or another manager's state: left out, as runc's and
    /// containerd's walks leave them out.
    static let skippedDeviceDirectories: Set<String> = ["pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev"]

    /// The host's character and block devices under `root`, as a privileged container gets them
    /// (sorted by path). `/dev/console` is left out: the runtime sets a container's console up.
    public static func hostDevices(root: String = "/dev") -> [Device] {
        var devices: [Device] = []
        collectDevices(in: root, into: &devices)
        return devices.sorted { $0.path < $1.path }
    }

    /// The device node at `path` (links followed); nil when it is not a device.
    public static func hostDevice(at path: String) -> Device? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return device(path, info)
    }

    private static func device(_ path: String, _ info: stat) -> Device? {
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFCHR || kind == S_IFBLK else { return nil }
        let number = UInt64(info.st_rdev)
        let major = ((number >> 8) & 0xfff) | ((number >> 32) & ~UInt64(0xfff))
        let minor = (number & 0xff) | ((number >> 12) & ~UInt64(0xff))
        return Device(path: path, type: kind == S_IFCHR ? "c" : "b", major: Int64(major), minor: Int64(minor),
                      fileMode: UInt32(info.st_mode & 0o7777), uid: info.st_uid, gid: info.st_gid)
    }

    private static func collectDevices(in directory: String, into devices: inout [Device]) {
        guard let stream = opendir(directory) else { return }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            let path = directory + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if !skippedDeviceDirectories.contains(name) { collectDevices(in: path, into: &devices) }
            case S_IFCHR, S_IFBLK:
                if path == "/dev/console" { continue }
                if let device = device(path, info) { devices.append(device) }
            default:
                continue
            }
        }
    }
}
