public import Core
public import GRPCCore

/// The namespace of the request being served, from the `containerd-namespace` header.
public enum RequestNamespace {
    @TaskLocal static var header: String?

    /// The request's namespace (default `default`), validated.
    public static func current() throws(CtrError) -> String {
        let name = header ?? Namespace.defaultName
        try Identifier.validate(name, kind: "namespace")
        return name
    }

    /// Runs `body` as if serving a request in `namespace` (in-process callers and tests).
    public static func with<T: Sendable>(_ namespace: String, _ body: () async throws -> T) async rethrows -> T {
        try await $header.withValue(namespace, operation: body)
    }
}

/// The lease of the request being served, from the `containerd-lease` header: content written
/// under it is held by the lease until the lease goes.
public enum RequestLease {
    @TaskLocal public static var id: String?
    public static let header = "containerd-lease"
}

/// Reads the namespace and lease headers and makes it available to the handler for the whole call,
/// including the body of streaming responses.
struct NamespaceInterceptor: ServerInterceptor {
    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let namespace = request.metadata[stringValues: Namespace.header].first { _ in true }
        let lease = request.metadata[stringValues: RequestLease.header].first { _ in true }
        var response = try await RequestNamespace.$header.withValue(namespace) {
            try await RequestLease.$id.withValue(lease) { try await next(request, context) }
        }
        if case .success(var contents) = response.accepted {
            let producer = contents.producer
            contents.producer = { writer in
                try await RequestNamespace.$header.withValue(namespace) {
                    try await RequestLease.$id.withValue(lease) { try await producer(writer) }
                }
            }
            response.accepted = .success(contents)
        }
        return response
    }
}
