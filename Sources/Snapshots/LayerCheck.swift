import Core

/// Reads a whole layer held in memory, as extraction reads it (gzip or zstd by their magic
/// numbers, else a plain tar): every entry and all its data, writing nothing. What the fuzzer
/// feeds hostile bytes to: a broken or hostile layer must fail with an error, never crash.
public enum LayerCheck {
    /// The number of entries read; at most `dataLimit` bytes of entry data are read in all.
    public static func read(_ bytes: [UInt8], name: String = "layer", dataLimit: Int64 = 64 << 20) throws(CtrError) -> Int {
        var source: any ByteReader = MemoryReader(bytes)
        if bytes.starts(with: [0x1F, 0x8B]) {
            source = try GzipReader(source, name: name)
        } else if bytes.starts(with: [0x28, 0xB5, 0x2F, 0xFD]) {
            source = try ZstdReader(source, name: name)
        }
        let reader = LayerTarReader(source, name: name)
        var entries = 0
        var data: Int64 = 0
        while let _ = try reader.next() {
            entries += 1
            try reader.readData { chunk throws(CtrError) in
                data += Int64(chunk.count)
                if data > dataLimit { throw CtrError(.resourceExhausted, "\(name): more than \(dataLimit) bytes of data") }
            }
        }
        return entries
    }
}

/// Bytes in memory as a stream.
final class MemoryReader: ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(_ count: Int) throws(CtrError) -> [UInt8] {
        let end = min(bytes.count, offset + count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}
