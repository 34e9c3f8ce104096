internal import Crypto

/// A content digest, `algorithm:hex`. Only sha256 (64 lowercase hex digits) is accepted, as
/// containerd's content store does.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let algorithm: String
    public let hex: String

    public init(parsing text: String) throws(CtrError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw .invalidArgument("invalid digest \"\(text)\": missing algorithm")
        }
        let algorithm = String(text[..<colon])
        let hex = String(text[text.index(after: colon)...])
        guard algorithm == "sha256" else {
            throw .invalidArgument("invalid digest \"\(text)\": unsupported algorithm \"\(algorithm)\"")
        }
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            throw .invalidArgument("invalid digest \"\(text)\": expected 64 lowercase hex digits")
        }
        self.algorithm = algorithm
        self.hex = hex
    }

    public init(sha256Hex hex: String) {
        algorithm = "sha256"
        self.hex = hex
    }

    public var description: String { "\(algorithm):\(hex)" }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }
}

/// Lowercase hexadecimal of `bytes` (digests).
public func hexEncoded<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// A point in time with nanoseconds, as protobuf timestamps carry it.
public struct Timestamp: Sendable, Hashable, Comparable {
    public var seconds: Int64
    public var nanos: Int32

    public init(seconds: Int64, nanos: Int32 = 0) {
        self.seconds = seconds
        self.nanos = nanos
    }

    /// Nanoseconds since the epoch, for storage.
    public var unixNanos: Int64 { seconds * 1_000_000_000 + Int64(nanos) }

    public init(unixNanos: Int64) {
        seconds = unixNanos / 1_000_000_000
        nanos = Int32(unixNanos % 1_000_000_000)
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.unixNanos < rhs.unixNanos }
}

#if canImport(Glibc)
import Glibc
#endif

extension Timestamp {
    /// The current wall-clock time.
    public static var now: Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(seconds: Int64(spec.tv_sec), nanos: Int32(spec.tv_nsec))
    }
}


/// SHA-256 of bytes held in memory, as a `Digest`.
public enum SHA256Digest {
    public static func of(_ bytes: [UInt8]) -> Digest {
        Digest(sha256Hex: hexEncoded(Crypto.SHA256.hash(data: bytes)))
    }
}
