/// A containerd namespace: a name and its labels.
public struct Namespace: Sendable, Equatable {
    public var name: String
    public var labels: [String: String]

    public init(name: String, labels: [String: String] = [:]) {
        self.name = name
        self.labels = labels
    }

    /// The namespace used when a request names none.
    public static let defaultName = "default"
    /// The namespace the CRI plugin keeps its images, pods and containers in.
    public static let criName = "k8s.io"
    /// The gRPC metadata header that carries the namespace, as in containerd.
    public static let header = "containerd-namespace"
}

/// Limits on labels, as containerd enforces them (`labels.Validate`).
public enum Labels {
    public static let maxSize = 4096

    public static func validate(key: String, value: String) throws(CtrError) {
        if key.utf8.count + value.utf8.count > maxSize {
            let shown = key.count > 10 ? String(key.prefix(10)) + "…" : key
            throw .invalidArgument("label key and value length (\(key.utf8.count + value.utf8.count) bytes) greater than maximum size (\(maxSize) bytes), key: \(shown)")
        }
    }

    public static func validate(_ labels: [String: String]) throws(CtrError) {
        for (key, value) in labels {
            try validate(key: key, value: value)
        }
    }
}
