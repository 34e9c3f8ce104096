import ArgumentParser
import Client

/// A command that talks to a daemon over the containerd API. Its `run()` opens the connection
/// and calls `run(client:)`, so tests can drive `run(client:)` directly.
protocol ClientCommand: AsyncParsableCommand {
    var global: GlobalOptions { get }
    func run(client: ContainerdClient) async throws
}

extension ClientCommand {
    func run() async throws {
        try await global.withClient { client in try await run(client: client) }
    }
}
