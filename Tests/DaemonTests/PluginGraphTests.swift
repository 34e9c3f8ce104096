import Core
@testable import Daemon
import Testing

private struct Dummy: PluginInstance {}

private func registration(_ type: String, _ id: String, requires: [String] = []) -> PluginRegistration {
    PluginRegistration(type: PluginType(type), id: id, requires: requires.map { PluginType($0) }) { _ in Dummy() }
}

@Suite("Plugin graph")
struct PluginGraphTests {
    @Test("plugins come after the types they require, registration order otherwise")
    func ordersByRequirements() throws {
        let ordered = try PluginGraph.order([
            registration("grpc", "a", requires: ["service"]),
            registration("meta", "db"),
            registration("service", "s", requires: ["meta"]),
            registration("grpc", "b"),
        ])
        #expect(ordered.map(\.uri) == ["meta.db", "service.s", "grpc.a", "grpc.b"])
    }

    @Test("a plugin requiring * comes after every other plugin")
    func starComesLast() throws {
        let ordered = try PluginGraph.order([
            registration("health", "h", requires: ["*"]),
            registration("grpc", "a"),
            registration("grpc", "b", requires: ["meta"]),
            registration("meta", "db"),
        ])
        #expect(ordered.map(\.uri) == ["grpc.a", "meta.db", "grpc.b", "health.h"])
    }

    @Test("a dependency cycle is an error naming the cycle")
    func cycle() {
        #expect {
            try PluginGraph.order([
                registration("a", "x", requires: ["b"]),
                registration("b", "y", requires: ["c"]),
                registration("c", "z", requires: ["a"]),
            ])
        } throws: { error in
            let message = "\(error)"
            return message.contains("dependency cycle") && message.contains("a.x -> b.y -> c.z -> a.x")
        }
    }

    @Test("requiring a type nobody registered is an error")
    func unknownRequirement() {
        #expect {
            try PluginGraph.order([registration("grpc", "a", requires: ["io.example.nothing.v1"])])
        } throws: { error in
            "\(error)".contains("grpc.a requires unknown plugin type io.example.nothing.v1")
        }
    }

    @Test("the same URI registered twice is an error")
    func duplicate() {
        #expect(throws: CtrError.self) {
            try PluginGraph.order([registration("grpc", "a"), registration("grpc", "a")])
        }
    }
}

extension PluginGraphTests {
    @Test("disabled plugins are left out but still count as known types")
    func disabledRequirement() throws {
        let ordered = try PluginGraph.order([
            registration("meta", "db"),
            registration("grpc", "a", requires: ["meta"]),
        ], disabled: ["meta.db"])
        #expect(ordered.map(\.uri) == ["grpc.a"])
    }
}
