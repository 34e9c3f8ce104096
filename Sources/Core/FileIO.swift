import Glibc

/// Writing whole buffers to file descriptors.
public enum FileIO {
    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR; nil on success, else errno.
    public static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Int32? {
        bytes.withUnsafeBytes { writeAll(fd, $0) }
    }

    /// The same, for bytes in any contiguous storage (a message's `Data`, without copying it).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        var done = 0
        while done < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress.map { $0 + done }, bytes.count - done)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += written
        }
        return nil
    }

    /// One read of up to `buffer.count` bytes from `fd` into `buffer`, retrying EINTR: the number
    /// of bytes read (0 at the end), or the errno of the failure.
    public static func readSome(_ fd: Int32, into buffer: inout [UInt8]) -> Result<Int, Errno> {
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count >= 0 { return .success(count) }
            if errno != EINTR { return .failure(.current) }
        }
    }

    /// Reads `fd` to its end, retrying EINTR, in 64 KiB reads while fewer than `limit` bytes have
    /// arrived: the bytes read, and errno when a read failed before the end.
    public static func readAll(_ fd: Int32, limit: Int = .max) -> (bytes: [UInt8], error: Int32?) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            switch readSome(fd, into: &buffer) {
            case .failure(let error): return (bytes, error.code)
            case .success(0): return (bytes, nil)
            case .success(let count): bytes.append(contentsOf: buffer[0..<count])
            }
        }
        return (bytes, nil)
    }
}

/// Unbuffered writes to the standard error stream (fd 2).
public enum StandardError {
    public static func write(_ text: String) {
        _ = FileIO.writeAll(2, Array(text.utf8)[...])
    }
}

/// Unbuffered writes of raw bytes to standard output (fd 1), for blob contents.
public enum StandardOutput {
    public static func write(_ bytes: [UInt8]) {
        _ = FileIO.writeAll(1, bytes[...])
    }
}
