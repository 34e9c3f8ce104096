import Core
import Foundation
@testable import Runtime
import Testing
import TestSupport

/// An OCI runtime that records its command lines and, like runc, writes the pid file it is asked for.
final class RecordingRuntime: OCIRuntime {
    var calls: [[String]] = []
    var failure: CtrError?
    var psOutput = "[]"
    /// A pid no process has (pid_max is at most 2^22).
    static let pid: Int32 = 4_999_999

    func run(_ arguments: [String], stdio: [Int32]?) throws(CtrError) -> String {
        calls.append(arguments)
        if let failure { throw failure }
        if let index = arguments.firstIndex(of: "--pid-file"), index + 1 < arguments.count {
            try writeFileAtomically(arguments[index + 1], Array("\(Self.pid)".utf8), durable: false)
        }
        return arguments.first == "ps" ? psOutput : ""
    }
}

@Suite("Shim requests")
struct ShimRequestTests {
    let bundle: String
    let runtime = RecordingRuntime()
    let server: ShimServer

    init() throws {
        bundle = temporaryPath("ctr-shim")
        try FileManager.default.createDirectory(atPath: bundle, withIntermediateDirectories: true)
        server = ShimServer(options: ShimOptions(namespace: "ns", id: "box", bundle: bundle, socket: bundle + "/s.sock",
                                                 runtime: "runc", runtimeRoot: bundle + "/runc"), runtime: runtime)
    }

    func request(_ op: ShimRequest.Operation, exec: String? = nil, _ change: (inout ShimRequest) -> Void = { _ in })
        throws(CtrError) -> ShimResponse?
    {
        var request = ShimRequest(op: op, execID: exec)
        change(&request)
        return try server.perform(request, connection: -1)
    }

    /// The CtrError code a request fails with, nil if it succeeds.
    func failure(_ op: ShimRequest.Operation, exec: String? = nil, _ change: (inout ShimRequest) -> Void = { _ in })
        -> CtrError?
    {
        do throws(CtrError) {
            _ = try request(op, exec: exec, change)
            return nil
        } catch {
            return error
        }
    }

    @Test("create, start, pause, resume, kill and delete drive runc with the bundle and the container ID")
    func lifecycle() throws {
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        #expect(failure(.state)?.code == .notFound, "no task before create")
        let created = try #require(try request(.create)?.state)
        #expect(created.status == .created && created.pid == RecordingRuntime.pid)
        #expect(runtime.calls.last == ["create", "--bundle", bundle, "--pid-file", bundle + "/init.pid", "box"])
        #expect(failure(.create)?.code == .alreadyExists)

        #expect(try request(.start)?.state?.status == .running)
        #expect(runtime.calls.last == ["start", "box"])
        #expect(failure(.start)?.message.contains("running, not created") == true, "a second start is refused")
        _ = try request(.pause)
        #expect(runtime.calls.last == ["pause", "box"] && server.processes[""]?.status == .paused)
        #expect(failure(.delete)?.code == .failedPrecondition, "a paused task is not deleted")
        _ = try request(.resume)
        #expect(runtime.calls.last == ["resume", "box"] && server.processes[""]?.status == .running)
        _ = try request(.kill) { $0.signal = SIGKILL; $0.all = true }
        #expect(runtime.calls.last == ["kill", "--all", "box", "9"])

        // The exit arrives: delete removes the container from runc and ends the shim.
        try #require(server.processes[""]).status = .stopped
        #expect(failure(.kill)?.code == .notFound, "an exited process is not signalled")
        #expect(try request(.delete)?.state?.status == .stopped)
        #expect(runtime.calls.last == ["delete", "--force", "box"])
        #expect(server.exiting && server.processes.isEmpty)
    }

    @Test("create with start runs the container in one runc call")
    func createAndStart() throws {
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        let state = try #require(try request(.create) { $0.start = true }?.state)
        #expect(state.status == .running)
        #expect(runtime.calls == [["run", "--detach", "--bundle", bundle, "--pid-file", bundle + "/init.pid", "box"]])
    }

    @Test("exec: needs an ID and a spec, is unique, runs runc exec with its spec, is signalled directly")
    func exec() throws {
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        _ = try request(.create)
        #expect(failure(.exec, exec: "e1")?.code == .invalidArgument, "no spec")
        #expect(failure(.exec) { $0.document = "{}" }?.code == .invalidArgument, "no ID")
        #expect(try request(.exec, exec: "e1") { $0.document = #"{"args":["true"]}"# }?.state?.status == .created)
        #expect(try String(contentsOfFile: bundle + "/exec-e1.json", encoding: .utf8) == #"{"args":["true"]}"#)
        #expect(failure(.exec, exec: "e1") { $0.document = "{}" }?.code == .alreadyExists)
        #expect(failure(.state, exec: "e2")?.message == "process \"e2\" of task \"box\": not found")

        #expect(try request(.start, exec: "e1")?.state?.pid == RecordingRuntime.pid)
        #expect(runtime.calls.last == ["exec", "--detach", "--pid-file", bundle + "/exec-e1.pid",
                                       "--process", bundle + "/exec-e1.json", "box"])
        // Signals to an exec'd process go to its pid, not through runc.
        let calls = runtime.calls.count
        #expect(failure(.kill, exec: "e1")?.message.contains("kill \(RecordingRuntime.pid)") == true)
        #expect(runtime.calls.count == calls)
    }

    @Test("exec with start runs runc exec in the same request; a failed start leaves no process behind")
    func execAndStart() throws {
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        _ = try request(.create)
        let state = try #require(try request(.exec, exec: "e1") {
            $0.document = #"{"args":["true"]}"#
            $0.start = true
        }?.state)
        #expect(state.status == .running && state.pid == RecordingRuntime.pid)
        #expect(runtime.calls.last == ["exec", "--detach", "--pid-file", bundle + "/exec-e1.pid",
                                       "--process", bundle + "/exec-e1.json", "box"])
        runtime.failure = .internalError("runc exec failed: no such file")
        #expect(failure(.exec, exec: "e2") {
            $0.document = #"{"args":["/nope"]}"#
            $0.start = true
        }?.message == "runc exec failed: no such file")
        #expect(failure(.state, exec: "e2")?.code == .notFound)
    }

    @Test("exec with start and wait answers twice on its connection: started now, the exit when it comes")
    func execStartAndWait() throws {
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        _ = try request(.create) { $0.start = true }
        var pair: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { close(pair[1]) }
        var exec = ShimRequest(op: .exec, execID: "e1")
        exec.document = #"{"args":["true"]}"#
        exec.start = true
        exec.wait = true
        #expect(try server.perform(exec, connection: pair[0]) == nil, "the exit is answered later")
        let started = try JSONDecoder().decode(ShimResponse.self, from: Data(try #require(LineSocket.readLine(pair[1]))))
        #expect(started.state?.status == .running && started.state?.execID == "e1")
        #expect(server.waiters.map(\.key) == ["e1"])

        let process = try #require(server.processes["e1"])
        process.status = .stopped
        process.exitStatus = 7
        server.notifyWaiters(process)
        let exited = try JSONDecoder().decode(ShimResponse.self, from: Data(try #require(LineSocket.readLine(pair[1]))))
        #expect(exited.state?.status == .stopped && exited.state?.exitStatus == 7)
        #expect(LineSocket.readLine(pair[1]) == nil, "the connection is closed after the exit")

    }

    @Test("a failing runc fails the request with its error and records no process")
    func runtimeFailure() {
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        runtime.failure = .internalError("runc create failed: no such file")
        #expect(failure(.create)?.message == "runc create failed: no such file")
        #expect(server.processes.isEmpty)
    }

    @Test("wait answers at once for an exited process and later for a running one; pids, update, resize")
    func waitAndQueries() throws {
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        _ = try request(.create) { $0.start = true }
        #expect(try request(.wait) == nil, "a running process's wait is answered at its exit")
        #expect(server.waiters.map(\.key) == [""])
        runtime.psOutput = "[1, 42]"
        #expect(try request(.pids)?.pids == [1, 42])
        #expect(failure(.update)?.code == .invalidArgument)
        _ = try request(.update) { $0.document = #"{"memory":{"limit":1}}"# }
        #expect(runtime.calls.last == ["update", "--resources", bundle + "/resources.json", "box"])
        #expect(failure(.resize) { $0.width = 80; $0.height = 24 }?.code == .failedPrecondition, "no terminal")

        try #require(server.processes[""]).status = .stopped
        #expect(try request(.wait)?.state?.status == .stopped)
    }

    @Test("a malformed request line gets an error answer on its connection")
    func malformed() throws {
        defer { try? FileManager.default.removeItem(atPath: bundle) }
        var pair: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { close(pair[0]) }
        _ = "not json\n".withCString { write(pair[0], $0, 9) }
        server.handle(pair[1])  // closes pair[1]
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(pair[0], &buffer, buffer.count)
        let response = try JSONDecoder().decode(ShimResponse.self, from: Data(buffer[0..<max(count, 0)]))
        #expect(response.error?.code == .invalidArgument && response.error?.message == "shim: malformed request")
    }
}

/// OOM kills on cgroup v2, from a tree made in the test: the shim records the kill in the bundle,
/// also when systemd has already removed the emptied scope.
@Suite("Shim OOM record")
struct ShimOOMTests {
    let root = temporaryPath("ctr-oom-cgroups")
    let bundle = temporaryPath("ctr-oom-bundle")
    let slice = "/ctrtest.slice/ctrtest-pod1.slice"
    var scope: String { root + slice + "/cri-containerd-box.scope" }

    func server() throws -> ShimServer {
        for directory in [scope, bundle] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try Data("cpu memory pids\n".utf8).write(to: URL(fileURLWithPath: root + "/cgroup.controllers"))
        try Data(#"{"linux": {"cgroupsPath": "ctrtest-pod1.slice:cri-containerd:box"}}"#.utf8)
            .write(to: URL(fileURLWithPath: bundle + "/config.json"))
        try events(root + slice, kills: 2)
        try events(scope, kills: 0)
        return ShimServer(options: ShimOptions(namespace: "k8s.io", id: "box", bundle: bundle, socket: bundle + "/s.sock",
                                               runtime: "runc", runtimeRoot: bundle + "/runc", systemdCgroup: true),
                          runtime: RecordingRuntime(), cgroups: CgroupHierarchy(root: root))
    }

    func events(_ directory: String, kills: Int) throws {
        try Data("low 0\nhigh 0\nmax 0\noom \(kills)\noom_kill \(kills)\n".utf8)
            .write(to: URL(fileURLWithPath: directory + "/memory.events"))
    }

    var recorded: String? { try? String(contentsOfFile: ShimOptions.oomRecord(bundle: bundle), encoding: .utf8) }

    func removeAll() {
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.removeItem(atPath: bundle)
    }

    @Test func aKillInTheScopeIsRecorded() throws {
        defer { removeAll() }
        let shim = try server()
        shim.watchOOM()
        #expect(shim.oomWatch >= 0, "memory.events is watched")
        shim.recordOOM()
        #expect(recorded == nil, "no kill, no record")
        try events(scope, kills: 1)
        shim.recordOOM()
        #expect(recorded == "1")
    }

    @Test func aScopeAlreadyGoneFallsBackToItsParentsCount() throws {
        defer { removeAll() }
        let shim = try server()
        shim.watchOOM()
        try FileManager.default.removeItem(atPath: scope)
        shim.recordOOM()
        #expect(recorded == nil, "the parent counted nothing new")
        try events(root + slice, kills: 3)
        shim.recordOOM()
        #expect(recorded == "1")
    }
}

@Suite("Shim client answers")
struct ShimClientTests {
    /// A one-connection shim stand-in on `path` that reads the request line, then writes `reply`
    /// (maybe several lines) in one write and closes.
    static func serve(_ path: String, reply: String) throws -> Thread {
        let listener = try LineSocket.listen(path)
        let thread = Thread {
            let connection = accept(listener, nil, nil)
            close(listener)
            guard connection >= 0 else { return }
            _ = LineSocket.readLine(connection)
            _ = FileIO.writeAll(connection, Array(reply.utf8)[...])
            close(connection)
        }
        thread.start()
        return thread
    }

    /// The exit `whenComplete` delivers.
    static func outcome(_ exit: ShimExit) async -> Result<ShimResponse, any Error> {
        await withCheckedContinuation { continuation in exit.whenComplete { continuation.resume(returning: $0) } }
    }

    static let started = #"{"state":{"execID":"e1","pid":9,"status":"running","exitStatus":0,"exitedAt":0,"stdin":"","stdout":"","stderr":"","terminal":false}}"#
    static let exited = #"{"state":{"execID":"e1","pid":9,"status":"stopped","exitStatus":3,"exitedAt":5,"stdin":"","stdout":"","stderr":"","terminal":false}}"#

    @Test("two answers arriving in one read are both delivered, in order")
    func twoAnswersInOneRead() async throws {
        let directory = try TemporaryDirectory("shimclient")
        defer { directory.remove() }
        let path = directory.path + "/s.sock"
        _ = try Self.serve(path, reply: Self.started + "\n" + Self.exited + "\n")
        let (first, exit) = try await ShimClient(socket: path).sendAndWait(ShimRequest(op: .exec, execID: "e1"))
        #expect(first.state?.status == .running)
        let last = try await Self.outcome(exit).get()
        #expect(last.state?.status == .stopped && last.state?.exitStatus == 3)
    }

    @Test("a shim that closes after the first answer fails the wait as unavailable")
    func closedBeforeTheExit() async throws {
        let directory = try TemporaryDirectory("shimclient")
        defer { directory.remove() }
        let path = directory.path + "/s.sock"
        _ = try Self.serve(path, reply: Self.started + "\n")
        let (first, exit) = try await ShimClient(socket: path).sendAndWait(ShimRequest(op: .exec, execID: "e1"))
        #expect(first.state?.pid == 9)
        guard case .failure(let error as CtrError) = await Self.outcome(exit) else {
            Issue.record("the exit did not fail with a CtrError")
            return
        }
        #expect(error.code == .unavailable)
    }

    @Test("nothing listening fails the request as unavailable, naming the socket")
    func nothingListens() async throws {
        let path = temporaryPath("shimclient", suffix: ".sock")
        do {
            _ = try await ShimClient(socket: path).send(ShimRequest(op: .state))
            Issue.record("a request to nothing succeeded")
        } catch let error as CtrError {
            #expect(error.code == .unavailable && error.message.contains(path))
        }
    }
}
