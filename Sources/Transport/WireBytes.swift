import GRPCCore
import NIOCore

/// A gRPC message's bytes as the daemon's transport holds them: a `ByteBuffer` slice.
///
/// Bytes made by a serializer (a response) are allocated with the 5-byte gRPC message prefix
/// (compressed flag, big-endian length) already written in front of them, so framing a response
/// is moving the reader index back instead of copying the message into a new buffer. Request
/// messages are slices of the received DATA frames, not copies either.
public struct WireBytes: GRPCContiguousBytes, Sendable {
    static let prefixLength = 5

    public private(set) var buffer: ByteBuffer
    /// Whether the 5 bytes before `buffer`'s reader index hold this message's prefix.
    private let prefixed: Bool

    /// A received message: `buffer`'s readable bytes.
    public init(received buffer: ByteBuffer) {
        self.buffer = buffer
        self.prefixed = false
    }

    public init(repeating byte: UInt8, count: Int) {
        var buffer = WireBytes.allocate(count)
        buffer.writeRepeatingByte(byte, count: count)
        buffer.moveReaderIndex(forwardBy: WireBytes.prefixLength)
        self.buffer = buffer
        self.prefixed = true
    }

    public init<Bytes: Sequence>(_ sequence: Bytes) where Bytes.Element == UInt8 {
        let bytes = Array(sequence)
        var buffer = WireBytes.allocate(bytes.count)
        buffer.writeBytes(bytes)
        buffer.moveReaderIndex(forwardBy: WireBytes.prefixLength)
        self.buffer = buffer
        self.prefixed = true
    }

    /// A message made of already encoded parts, appended one after the other.
    public init(concatenating parts: [[UInt8]]) {
        var buffer = WireBytes.allocate(parts.reduce(0) { $0 + $1.count })
        for part in parts { buffer.writeBytes(part) }
        buffer.moveReaderIndex(forwardBy: WireBytes.prefixLength)
        self.buffer = buffer
        self.prefixed = true
    }

    public var count: Int { buffer.readableBytes }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeReadableBytes(body)
    }

    public mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeMutableReadableBytes(body)
    }

    /// The message with its uncompressed-message prefix, ready for DATA frames.
    var framed: ByteBuffer {
        if prefixed {
            var framed = buffer
            framed.moveReaderIndex(to: buffer.readerIndex - WireBytes.prefixLength)
            return framed
        }
        var framed = ByteBufferAllocator().buffer(capacity: WireBytes.prefixLength + count)
        framed.writeMultipleIntegers(UInt8(0), UInt32(truncatingIfNeeded: count))
        framed.writeImmutableBuffer(buffer)
        return framed
    }

    /// A buffer for a `count`-byte message whose prefix is written and whose writer index stands
    /// after it.
    private static func allocate(_ count: Int) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: prefixLength + count)
        buffer.writeMultipleIntegers(UInt8(0), UInt32(truncatingIfNeeded: count))
        return buffer
    }
}
