import API
import Core
import GRPCCore
import Transport
import SwiftProtobuf

/// The list items of ListPodSandbox and ListContainers, and their encoding: each item is encoded
/// once when it changes, and a list response is the concatenation of its items' field bytes.
enum CRIWire {
    static func state(_ phase: ContainerStatus.Phase) -> Runtime_V1_ContainerState {
        switch phase {
        case .created: return .containerCreated
        case .running: return .containerRunning
        case .exited: return .containerExited
        }
    }

    static func summary(_ sandbox: Sandbox) -> Runtime_V1_PodSandbox {
        .with {
            $0.id = sandbox.id
            $0.metadata = sandbox.config.metadata
            $0.state = sandbox.state
            $0.createdAt = sandbox.status.createdAt
            $0.labels = sandbox.config.labels
            $0.annotations = sandbox.config.annotations
            $0.runtimeHandler = sandbox.status.runtimeHandler
        }
    }

    static func summary(_ container: CRIContainer) -> Runtime_V1_Container {
        .with {
            $0.id = container.id
            $0.podSandboxID = container.status.sandboxID
            $0.metadata = container.config.metadata
            // As containerd: the image as the container's config named it (a kubelet names it by
            // ID), and the image ID as the reference (kubelet's image GC matches it against
            // ListImages' IDs); ContainerStatus gives the repo digest.
            $0.image = container.config.image
            $0.imageRef = container.status.imageID
            $0.imageID = container.status.imageID
            $0.state = state(container.status.phase)
            $0.createdAt = container.status.createdAt
            $0.labels = container.config.labels
            $0.annotations = container.config.annotations
        }
    }

    /// A message as field 1 of its list response (`items` / `containers`): tag, length, bytes.
    static func listEntry(_ message: some SwiftProtobuf.Message) -> [UInt8] {
        guard let bytes: [UInt8] = try? message.serializedBytes() else { return [] }
        var entry: [UInt8] = [0x0a]
        var length = UInt64(bytes.count)
        while length >= 0x80 {
            entry.append(UInt8(length & 0x7f) | 0x80)
            length >>= 7
        }
        entry.append(UInt8(length))
        return entry + bytes
    }
}

/// Sends a message given as the concatenation of already encoded parts (list entries), copied
/// once, straight into the transport's buffer.
struct EncodedMessageSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ parts: [[UInt8]]) throws -> Bytes {
        // The daemon's own transport: appended straight into its buffer, with no zero fill first.
        if Bytes.self == WireBytes.self, let bytes = WireBytes(concatenating: parts) as? Bytes {
            return bytes
        }
        var bytes = Bytes(repeating: 0, count: parts.reduce(0) { $0 + $1.count })
        bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            for part in parts {
                UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<offset + part.count]).copyBytes(from: part)
                offset += part.count
            }
        }
        return bytes
    }
}
