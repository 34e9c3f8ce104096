import Core
@testable import Daemon
import Foundation
import Logging
import Synchronization
import Testing
import TestSupport

private final class Journal: Sendable {
    let events = Mutex<[String]>([])
    func add(_ event: String) { events.withLock { $0.append(event) } }
    var all: [String] { events.withLock { $0 } }
}

private struct Recorded: PluginInstance {
    let name: String
    let journal: Journal
    func close() async throws { journal.add("close \(name)") }
}

private struct Failure: Error, CustomStringConvertible {
    var description: String { "disk on fire" }
}

private enum Behaviour { case ok, skip, fail }

private func plugin(_ type: String, _ id: String, requires: [String] = [], _ behaviour: Behaviour = .ok,
                    journal: Journal) -> PluginRegistration {
    PluginRegistration(type: PluginType(type), id: id, requires: requires.map { PluginType($0) }) { context in
        journal.add("init \(context.registration.uri)")
        switch behaviour {
        case .ok: return Recorded(name: context.registration.uri, journal: journal)
        case .skip: throw PluginSkip("no such hardware")
        case .fail: throw Failure()
        }
    }
}

@Suite("Plugin loader")
struct PluginLoaderTests {
    let directory: String
    init() {
        directory = temporaryPath("ctr-loader")
    }

    func config(disabled: [String] = [], required: [String] = []) -> DaemonConfig {
        var config = DaemonConfig()
        config.root = directory + "/root"
        config.state = directory + "/state"
        config.disabledPlugins = disabled
        config.requiredPlugins = required
        return config
    }

    func load(_ registrations: [PluginRegistration], _ config: DaemonConfig) async throws -> PluginLoader.Loaded {
        try await PluginLoader(registrations: registrations, config: config, logger: Logger(label: "test")).load()
    }

    @Test("statuses record ok, skipped and failed plugins; dependents of a failed plugin fail too")
    func statuses() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = Journal()
        let loaded = try await load([
            plugin("meta", "db", journal: journal),
            plugin("snap", "zfs", .skip, journal: journal),
            plugin("svc", "broken", .fail, journal: journal),
            plugin("grpc", "uses-broken", requires: ["svc"], journal: journal),
        ], config())
        let states = Dictionary(uniqueKeysWithValues: loaded.board.all.map { ($0.uri, $0.state) })
        guard case .ok? = states["meta.db"] else { Issue.record("meta.db not ok"); return }
        guard case .skipped(let reason)? = states["snap.zfs"] else { Issue.record("snap.zfs not skipped"); return }
        #expect(reason == "no such hardware")
        guard case .failed(let error)? = states["svc.broken"] else { Issue.record("svc.broken not failed"); return }
        #expect(error == "disk on fire")
        guard case .failed(let dependent)? = states["grpc.uses-broken"] else {
            Issue.record("grpc.uses-broken should fail"); return
        }
        #expect(dependent.contains("no plugin of type svc is loaded"))
        #expect(FileManager.default.fileExists(atPath: directory + "/root/meta.db"))
        #expect(FileManager.default.fileExists(atPath: directory + "/state/meta.db"))
    }

    @Test("plugins close in reverse initialization order")
    func closeOrder() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = Journal()
        let loaded = try await load([
            plugin("grpc", "api", requires: ["meta"], journal: journal),
            plugin("meta", "db", journal: journal),
        ], config())
        await loaded.close(logger: Logger(label: "test"))
        #expect(journal.all == ["init meta.db", "init grpc.api", "close grpc.api", "close meta.db"])
    }

    @Test("a disabled plugin is neither initialized nor listed")
    func disabled() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = Journal()
        let loaded = try await load([
            plugin("meta", "db", journal: journal),
            plugin("grpc", "cri", journal: journal),
        ], config(disabled: ["grpc.cri"]))
        #expect(journal.all == ["init meta.db"])
        #expect(loaded.board.all.map(\.uri) == ["meta.db"])
    }

    @Test("a required plugin that is missing, disabled, skipped or failing stops the load, naming it",
          arguments: [
            ("grpc.nope", [String](), "required plugin grpc.nope is not registered"),
            ("grpc.cri", ["grpc.cri"], "required plugin grpc.cri is disabled"),
            ("snap.zfs", [], "required plugin snap.zfs was skipped: no such hardware"),
            ("svc.broken", [], "required plugin svc.broken failed to load: disk on fire"),
          ])
    func required(uri: String, disabled: [String], message: String) async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = Journal()
        let registrations = [
            plugin("meta", "db", journal: journal),
            plugin("grpc", "cri", journal: journal),
            plugin("snap", "zfs", .skip, journal: journal),
            plugin("svc", "broken", .fail, journal: journal),
        ]
        await #expect {
            _ = try await load(registrations, config(disabled: disabled, required: [uri]))
        } throws: { error in
            (error as? CtrError)?.code == .failedPrecondition && "\(error)".contains(message)
        }
        // Plugins loaded before a required one failed are closed again.
        let initialized = journal.all.filter { $0.hasPrefix("init") && !$0.contains("zfs") && !$0.contains("broken") }
        #expect(journal.all.filter { $0.hasPrefix("close") }.count == (uri.hasPrefix("snap") || uri.hasPrefix("svc") ? initialized.count : 0))
    }
}
