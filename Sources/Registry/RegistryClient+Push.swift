import AsyncHTTPClient
public import Core
import NIOCore
import NIOHTTP1

extension RegistryClient: RegistryUploader {
    public func hasBlob(_ reference: Reference, _ descriptor: Descriptor) async throws -> Bool {
        let url = try baseURL(reference) + "/blobs/" + descriptor.digest.description
        let response = try await request(reference, url: url, accept: ["*/*"], push: true) { url in
            var request = HTTPClientRequest(url: url)
            request.method = .HEAD
            return request
        }
        return response.status.code == 200
    }

    /// Monolithic upload: POST opens an upload session, PUT with `?digest=` sends the bytes.
    public func uploadBlob(_ reference: Reference, _ descriptor: Descriptor,
                           _ produce: @escaping @Sendable (@escaping @Sendable ([UInt8]) async throws -> Void) async throws -> Void)
        async throws
    {
        let start = try await request(reference, url: try baseURL(reference) + "/blobs/uploads/", accept: ["*/*"], push: true) {
            var request = HTTPClientRequest(url: $0)
            request.method = .POST
            request.headers.add(name: "Content-Length", value: "0")
            return request
        }
        _ = try check(start, reference: reference, path: "blobs/uploads/", verb: "push")
        guard var location = start.headers.first(name: "Location") else {
            throw CtrError.unavailable("push \(reference): registry gave no upload location")
        }
        if location.hasPrefix("/") {
            // scheme://host of the API base, then the registry's path.
            let parts = try baseURL(reference).split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
            location = parts[0] + "//" + parts[2] + location
        }
        location += (location.contains("?") ? "&" : "?") + "digest=" + percentEncode(descriptor.digest.description)
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        let feeder = Task {
            do {
                try await produce { bytes in continuation.yield(ByteBuffer(bytes: bytes)) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        defer { feeder.cancel() }
        let size = descriptor.size
        // The token from the POST is cached, so the PUT (whose body cannot be replayed) goes once.
        let response = try await request(reference, url: location, accept: ["*/*"], push: true) { url in
            var put = HTTPClientRequest(url: url)
            put.method = .PUT
            put.headers.add(name: "Content-Type", value: "application/octet-stream")
            put.body = .stream(stream, length: .known(size))
            return put
        }
        _ = try check(response, reference: reference, path: "blobs/uploads", verb: "push")
    }

    /// `POST …/blobs/uploads/?mount=DIGEST&from=REPO`: 201 means the registry mounted it. Any
    /// other answer (202 opens an upload session instead) means it would not; that session is
    /// left to expire, as containerd does.
    public func mountBlob(_ reference: Reference, _ descriptor: Descriptor, from repository: String) async throws -> Bool {
        let url = try baseURL(reference) + "/blobs/uploads/?mount=" + percentEncode(descriptor.digest.description)
            + "&from=" + percentEncode(repository)
        let response = try await request(reference, url: url, accept: ["*/*"], push: true) {
            var request = HTTPClientRequest(url: $0)
            request.method = .POST
            request.headers.add(name: "Content-Length", value: "0")
            return request
        }
        return response.status.code == 201
    }

    public func putManifest(_ reference: Reference, tag: String?, _ descriptor: Descriptor, _ bytes: [UInt8]) async throws {
        let url = try baseURL(reference) + "/manifests/" + (tag ?? descriptor.digest.description)
        let response = try await request(reference, url: url, accept: ["*/*"], push: true) { url in
            var request = HTTPClientRequest(url: url)
            request.method = .PUT
            request.headers.add(name: "Content-Type", value: descriptor.mediaType)
            request.body = .bytes(ByteBuffer(bytes: bytes))
            return request
        }
        _ = try check(response, reference: reference, path: "manifests", verb: "push")
    }
}
