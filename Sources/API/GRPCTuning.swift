/// HTTP/2 settings both ends of our gRPC connections use (the daemon's server, `ctr`'s client).
public enum GRPCTuning {
    /// Flow-control window, per stream and per connection: how much a peer may send before it
    /// waits for our WINDOW_UPDATE. grpc-swift's 64 KiB server default keeps a blob stream
    /// waiting on round trips; Go's gRPC grows its windows to several MiB the same way.
    public static let windowSize = 4 << 20
    /// The largest DATA frame a peer may send us (the protocol's default is 16 KiB): fewer frames,
    /// and fewer writes, per streamed blob. A frame is buffered whole, so it stays small: one of
    /// our 128 KiB Write messages (`WriteBatch`) fits in a frame with room to spare.
    public static let maxFrameSize = 256 << 10
}
