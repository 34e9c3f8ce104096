/// One entry of a tar archive as its headers describe it: the ustar header, with what PAX
/// extended headers (`x`) and GNU long names and links (`L`, `K`) before it say instead.
///
/// `TarHeader.read` decodes one from a stream (checksum, octal and base-256 numbers, bounded
/// extensions; every malformed header is an error naming the entry and the cause), and
/// `encoded(_:)` writes one (the ustar prefix, a PAX record or a GNU long name for long names,
/// base-256 for numbers too big for octal). Image archives (`Archive`) and layers (`Snapshots`)
/// both read and write through it.
public struct TarHeader: Sendable, Equatable {
    /// The type flag (byte 156).
    public struct Kind: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8

        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let regular = Kind(rawValue: UInt8(ascii: "0"))
        public static let hardlink = Kind(rawValue: UInt8(ascii: "1"))
        public static let symlink = Kind(rawValue: UInt8(ascii: "2"))
        public static let characterDevice = Kind(rawValue: UInt8(ascii: "3"))
        public static let blockDevice = Kind(rawValue: UInt8(ascii: "4"))
        public static let directory = Kind(rawValue: UInt8(ascii: "5"))
        public static let fifo = Kind(rawValue: UInt8(ascii: "6"))
        /// A contiguous file: read as a regular one.
        public static let contiguous = Kind(rawValue: UInt8(ascii: "7"))
        /// PAX records for the next entry.
        public static let paxExtended = Kind(rawValue: UInt8(ascii: "x"))
        /// PAX records for the whole archive (read and ignored).
        public static let paxGlobal = Kind(rawValue: UInt8(ascii: "g"))
        /// GNU: the next entry's name.
        public static let gnuLongName = Kind(rawValue: UInt8(ascii: "L"))
        /// GNU: the next entry's link target.
        public static let gnuLongLink = Kind(rawValue: UInt8(ascii: "K"))

        /// A file with data: `0`, the pre-POSIX NUL flag, or `7`.
        public var isRegular: Bool { rawValue == 0 || self == .regular || self == .contiguous }

        /// Entries that only describe the next one; `TarHeader.read` consumes them.
        var isExtension: Bool {
            self == .paxExtended || self == .paxGlobal || self == .gnuLongName || self == .gnuLongLink
        }
    }

    /// The name exactly as stored (`./`, `..` and leading `/` included): cleaning it is the reader's job.
    public var name: String
    public var kind: Kind
    public var mode: Int64
    public var uid: Int64
    public var gid: Int64
    /// Bytes of data following the header (padded to 512).
    public var size: Int64
    /// Seconds since the epoch.
    public var mtime: Int64
    /// The sub-second part of `mtime`, from a PAX `mtime` record; never written.
    public var mtimeNanos: Int64
    public var linkname: String
    public var deviceMajor: Int64
    public var deviceMinor: Int64
    /// Extended attributes from `SCHILY.xattr.<name>` PAX records, values as raw bytes; never written.
    public var xattrs: [String: [UInt8]]

    public init(name: String, kind: Kind = .regular, mode: Int64 = 0o644, uid: Int64 = 0, gid: Int64 = 0,
                size: Int64 = 0, mtime: Int64 = 0, mtimeNanos: Int64 = 0, linkname: String = "",
                deviceMajor: Int64 = 0, deviceMinor: Int64 = 0, xattrs: [String: [UInt8]] = [:]) {
        self.name = name
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.mtime = mtime
        self.mtimeNanos = mtimeNanos
        self.linkname = linkname
        self.deviceMajor = deviceMajor
        self.deviceMinor = deviceMinor
        self.xattrs = xattrs
    }

    /// Headers and data come in blocks of this many bytes.
    public static let blockSize = 512

    /// The largest entry size accepted when reading (4 EiB): offsets past it could overflow.
    public static let maxSize: Int64 = 1 << 62

    /// The most bytes of PAX records and GNU long names that may precede one entry, as in Go's
    /// archive/tar: anything larger is refused rather than held in memory.
    public static let maxExtensionSize = 1 << 20

    /// The zero bytes that follow `size` bytes of data, up to the next block.
    public static func padding(_ size: Int64) -> Int64 {
        (512 - size % 512) % 512
    }
}
