public import Core
import API
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import FoundationEssentials

/// The pull's content store over containerd's Content service: existence is asked with a STAT
/// write (which also puts the blob under the client's lease), blobs stream through Write and
/// commit with the expected size and digest.
public struct GRPCContentIngester: ContentIngester, ContentReader {
    public let client: ContainerdClient

    public init(client: ContainerdClient) {
        self.client = client
    }

    static func ref(_ descriptor: Descriptor) -> String { MediaType.ingestRef("ctr-pull-", descriptor) }

    public func has(_ descriptor: Descriptor) async throws -> Bool {
        do throws(CtrError) {
            _ = try await client.contentInfo(descriptor.digest)
        } catch {
            if error.code == .notFound { return false }
            throw error
        }
        // Present already: the pull's lease holds it until the image record exists.
        if let lease = client.lease {
            try await client.addLeaseResource(lease, id: descriptor.digest.description, type: "content")
        }
        return true
    }

    public func ingest(_ descriptor: Descriptor, labels: [String: String],
                       _ produce: @escaping @Sendable (@escaping @Sendable ([UInt8]) async throws -> Void) async throws -> Void)
        async throws
    {
        let ref = Self.ref(descriptor)
        do {
            try await retryingLocked {
                _ = try await client.writeContent(ref: ref, size: descriptor.size, expected: descriptor.digest,
                                                  labels: labels, produce)
            }
        } catch let error as CtrError where error.code == .alreadyExists {
            return
        } catch let error as CtrError where error.code == .failedPrecondition {
            // Nothing of a blob that failed verification may stay behind.
            try? await client.abortContentWrite(ref: ref)
            throw CtrError(.failedPrecondition, "blob \(descriptor.digest) does not match its descriptor: \(error.message)")
        } catch {
            try? await client.abortContentWrite(ref: ref)
            throw error
        }
    }

    public func read(_ descriptor: Descriptor) async throws -> [UInt8] {
        try await client.readBlob(descriptor.digest)
    }

    public func labels(_ descriptor: Descriptor) async throws -> [String: String] {
        try await client.contentInfo(descriptor.digest).labels
    }

    public func stream(_ descriptor: Descriptor, _ body: @escaping @Sendable ([UInt8]) async throws -> Void) async throws {
        try await client.readContent(descriptor.digest, body)
    }

    /// Runs a Write stream, retrying while another stream still holds the ref (UNAVAILABLE).
    private func retryingLocked(_ body: () async throws -> Void) async throws {
        var attempt = 0
        while true {
            do {
                return try await client.call { try await body() }
            } catch {
                guard error.code == .unavailable && attempt < 40 else { throw error }
                attempt += 1
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
