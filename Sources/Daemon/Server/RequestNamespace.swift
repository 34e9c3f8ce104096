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

/// Reads the namespace header and makes it available to the handler for the whole call,
/// including the body of streaming responses.
struct NamespaceInterceptor: ServerInterceptor {
    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let namespace = request.metadata[stringValues: Namespace.header].first { _ in true }
        var response = try await RequestNamespace.$header.withValue(namespace) {
            try await next(request, context)
        }
        if case .success(var contents) = response.accepted {
            let producer = contents.producer
            contents.producer = { writer in
                try await RequestNamespace.$header.withValue(namespace) { try await producer(writer) }
            }
            response.accepted = .success(contents)
        }
        return response
    }
}
