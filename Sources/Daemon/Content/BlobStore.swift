import Core
import Crypto
import Glibc

/// Blobs on disk, laid out as containerd lays them out: `blobs/sha256/<hex>` under the content
/// plugin's root, and ingests in progress under `ingest/<sha256(key)>/` (`data`, `ref`,
/// `startedat`, `total`, `expected`). A blob appears only by an atomic rename after its size and
/// digest were checked, so a crash never leaves a partial blob visible.
struct BlobStore: Sendable {
    let root: String

    init(root: String) throws(CtrError) {
        self.root = root
        try makeDirectories(root + "/blobs/sha256", mode: 0o755)
        try makeDirectories(root + "/ingest", mode: 0o700)
    }

    func blobPath(_ digest: Core.Digest) -> String { "\(root)/blobs/\(digest.algorithm)/\(digest.hex)" }

    func ingestDirectory(_ key: String) -> String { "\(root)/ingest/\(sha256Hex(Array(key.utf8)))" }

    /// The blob's size, or nil when it is not on disk.
    func size(_ digest: Core.Digest) -> Int64? {
        var info = stat()
        guard stat(blobPath(digest), &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    func remove(_ digest: Core.Digest) {
        unlink(blobPath(digest))
    }

    /// Reads `[offset, offset+length)` (length 0: to the end) in chunks handed to `body`.
    func read(_ digest: Core.Digest, offset: Int64, length: Int64, chunk: Int = 1 << 20,
              _ body: (Int64, [UInt8]) async throws -> Void) async throws {
        let fd = open(blobPath(digest), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw CtrError.notFound("content \(digest): not found") }
            throw CtrError.internalError("open blob \(digest): \(Errno.current)")
        }
        defer { close(fd) }
        var position = offset
        let end: Int64? = length > 0 ? offset + length : nil
        var buffer = [UInt8](repeating: 0, count: chunk)
        while end.map({ position < $0 }) ?? true {
            let want = end.map { min(Int64(chunk), $0 - position) } ?? Int64(chunk)
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(want), off_t(position)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CtrError.internalError("read blob \(digest): \(Errno.current)")
            }
            if count == 0 { break }
            try await body(position, Array(buffer[0..<count]))
            position += Int64(count)
        }
    }

    /// Ingests on disk: key → directory.
    func ingestKeys() -> [String: String] {
        var result: [String: String] = [:]
        guard let dir = opendir(root + "/ingest") else { return result }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") { continue }
            let path = root + "/ingest/" + name
            if let key = readSmallFile(path + "/ref") { result[key] = path }
        }
        return result
    }
}

/// Lowercase hex SHA-256 of `bytes`.
func sha256Hex(_ bytes: [UInt8]) -> String {
    hexEncoded(SHA256.hash(data: bytes))
}

