public import Core

extension Namespace {
    public init(_ message: Containerd_Services_Namespaces_V1_Namespace) {
        self.init(name: message.name, labels: message.labels)
    }
}

extension Containerd_Services_Namespaces_V1_Namespace {
    public init(_ namespace: Namespace) {
        self.init()
        name = namespace.name
        labels = namespace.labels
    }
}
