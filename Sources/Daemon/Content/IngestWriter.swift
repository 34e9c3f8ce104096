import Core
import Crypto
import FoundationEssentials
import Glibc

/// One open ingest: appends bytes, hashes them, and commits them into a blob. Used by a single
/// task (the Write stream that opened it); the content store's lock keeps others off the ref.
final class IngestWriter {
    let key: String
    let ref: String
    let directory: String
    private let blobs: BlobStore
    private var fd: Int32
    private var hasher = SHA256()
    private(set) var offset: Int64 = 0
    var total: Int64
    var expected: Core.Digest?
    let startedAt: Timestamp
    private(set) var updatedAt: Timestamp
    private let release: @Sendable () -> Void

    /// Opens (creating or resuming) the ingest for `key`. A resumed ingest re-hashes the bytes it
    /// has. Everything that can fail happens before the writer exists, so a failed open leaves
    /// releasing the ref's lock to the caller; once open, `deinit` releases it.
    init(blobs: BlobStore, key: String, ref: String, total: Int64, expected: Core.Digest?,
         release: @escaping @Sendable () -> Void) throws(CtrError) {
        let directory = blobs.ingestDirectory(key)
        if readSmallFile(directory + "/ref") != key {
            try makeDirectories(directory, mode: 0o700)
            try writeFileAtomically(directory + "/ref", Array(key.utf8))
            try writeFileAtomically(directory + "/startedat", Array(String(Timestamp.now.unixNanos).utf8))
        }
        if total > 0 { try writeFileAtomically(directory + "/total", Array(String(total).utf8)) }
        if let expected { try writeFileAtomically(directory + "/expected", Array(expected.description.utf8)) }
        let fd = open(directory + "/data", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .internalError("open ingest \(ref): \(Errno.current)") }

        self.blobs = blobs
        self.key = key
        self.ref = ref
        self.release = release
        self.directory = directory
        self.fd = fd
        startedAt = Timestamp(unixNanos: Int64(readSmallFile(directory + "/startedat") ?? "") ?? Timestamp.now.unixNanos)
        self.total = total > 0 ? total : Int64(readSmallFile(directory + "/total") ?? "") ?? 0
        self.expected = expected ?? readSmallFile(directory + "/expected").flatMap { try? Core.Digest(parsing: $0) }
        updatedAt = startedAt
        // Re-hash what an earlier writer left, so the ingest resumes at its offset.
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            hasher.update(data: buffer[0..<count])
            offset += Int64(count)
        }
        var info = stat()
        if offset > 0, fstat(fd, &info) == 0 {
            updatedAt = Timestamp(seconds: Int64(info.st_mtim.tv_sec), nanos: Int32(info.st_mtim.tv_nsec))
        }
    }

    deinit {
        if fd >= 0 { close(fd) }
        release()
    }

    var status: IngestStatus {
        IngestStatus(ref: ref, offset: offset, total: total, expected: expected, startedAt: startedAt, updatedAt: updatedAt)
    }

    /// Discards everything written so far.
    func truncate() throws(CtrError) {
        guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else {
            throw .internalError("truncate ingest \(ref): \(Errno.current)")
        }
        hasher = SHA256()
        offset = 0
    }

    /// Appends bytes (a Write message's `Data` too), read in place.
    func write(_ data: some ContiguousBytes) throws(CtrError) {
        var failure: CtrError?
        data.withUnsafeBytes { bytes in
            do throws(CtrError) { try write(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Appends `bytes` and hashes them.
    func write(_ bytes: UnsafeRawBufferPointer) throws(CtrError) {
        if let code = FileIO.writeAll(fd, bytes) {
            if code == ENOSPC {
                throw CtrError(.resourceExhausted, "write ingest \(ref): no space left on device")
            }
            throw .internalError("write ingest \(ref): \(Errno(code))")
        }
        hasher.update(bufferPointer: bytes)
        offset += Int64(bytes.count)
        updatedAt = .now
    }

    /// The digest of what was written so far.
    var digest: Core.Digest { Core.Digest(sha256Hex: hexEncoded(hasher.finalize())) }

    /// Checks size and digest, then moves the data into place. Returns the digest and whether the
    /// blob was already on disk. The ingest is gone afterwards.
    func commit(size: Int64, expected: Core.Digest?) throws(CtrError) -> (Core.Digest, existed: Bool) {
        let wantSize = size > 0 ? size : total
        if wantSize > 0 && offset != wantSize {
            throw .failedPrecondition("commit \(ref): unexpected commit size \(offset), expected \(wantSize)")
        }
        let actual = digest
        if let want = expected ?? self.expected, want != actual {
            throw .failedPrecondition("commit \(ref): unexpected commit digest \(actual), expected \(want)")
        }
        guard fsync(fd) == 0 else { throw .internalError("sync ingest \(ref): \(Errno.current)") }
        close(fd)
        fd = -1
        let target = blobs.blobPath(actual)
        var existed = false
        if blobs.size(actual) != nil {
            existed = true
        } else {
            chmod(directory + "/data", 0o444)
            guard rename(directory + "/data", target) == 0 else {
                throw .internalError("commit \(ref): move blob into place: \(Errno.current)")
            }
            syncDirectory(parentDirectory(target))
        }
        removeTree(directory)
        return (actual, existed)
    }

    /// Removes the ingest's files.
    func abort() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        removeTree(directory)
    }
}
