import ArgumentParser
import Client
import Core
import Glibc

/// Creating (or exec'ing) a process with this terminal's stdio attached, and waiting for it.
enum TaskRunner {
    /// Creates the container's task with stdio FIFOs, starts it, waits for it and its output,
    /// and returns its exit status. Detached: null stdio, returns at once with 0.
    static func runTask(client: ContainerdClient, container: Container, tty: Bool, detach: Bool) async throws -> UInt32 {
        let rootfs = container.snapshotKey.isEmpty ? []
            : try await client.snapshotMounts(container.snapshotter, key: container.snapshotKey)
        if detach {
            _ = try await client.createTask(container.id, rootfs: rootfs, io: TaskIO())
            _ = try await client.startTask(container.id)
            return 0
        }
        let stdio = try TaskStdio(id: container.id, terminal: tty)
        defer { stdio.close() }
        stdio.start()
        _ = try await client.createTask(container.id, rootfs: rootfs, io: stdio.io)
        return try await attachAndWait(client: client, id: container.id, execID: "", stdio: stdio, tty: tty)
    }

    /// Starts an exec process with stdio attached and waits for it.
    static func runExec(client: ContainerdClient, id: String, execID: String, process: OCISpec.Process,
                        tty: Bool, detach: Bool) async throws -> UInt32 {
        if detach {
            try await client.execProcess(id, execID: execID, spec: process, io: TaskIO())
            _ = try await client.startTask(id, execID: execID)
            return 0
        }
        let stdio = try TaskStdio(id: id + "-" + execID, terminal: tty)
        defer { stdio.close() }
        try await client.execProcess(id, execID: execID, spec: process, io: stdio.io)
        stdio.start()
        let status = try await attachAndWait(client: client, id: id, execID: execID, stdio: stdio, tty: tty)
        try? await client.deleteTask(id, execID: execID)
        return status
    }

    private static func attachAndWait(client: ContainerdClient, id: String, execID: String, stdio: TaskStdio,
                                      tty: Bool) async throws -> UInt32 {
        var resize: (@Sendable () -> Void)? = nil
        if tty {
            resize = { @Sendable in
                guard let size = TaskStdio.windowSize() else { return }
                Task { try? await client.resizeTask(id, execID: execID, width: size.width, height: size.height) }
            }
        }
        let forwarder = SignalForwarder(forward: { signal in
            Task { try? await client.killTask(id, signal: signal, execID: execID) }
        }, resize: resize)
        defer { forwarder.stop() }
        if tty { stdio.makeRaw() }
        _ = try await client.startTask(id, execID: execID)
        if tty, let size = TaskStdio.windowSize() {
            try? await client.resizeTask(id, execID: execID, width: size.width, height: size.height)
        }
        let status = try await client.waitTask(id, execID: execID)
        stdio.waitForOutput()
        stdio.restoreTerminal()
        return status
    }

    /// A signal given as a name (`SIGKILL`, `KILL`) or a number.
    static func parseSignal(_ text: String) throws -> Int32 {
        if let number = Int32(text), number > 0, number < 65 { return number }
        let name = text.uppercased().hasPrefix("SIG") ? String(text.uppercased().dropFirst(3)) : text.uppercased()
        let known: [String: Int32] = [
            "HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "KILL": SIGKILL, "USR1": SIGUSR1, "USR2": SIGUSR2,
            "TERM": SIGTERM, "STOP": SIGSTOP, "CONT": SIGCONT, "WINCH": SIGWINCH, "ALRM": SIGALRM, "PIPE": SIGPIPE,
        ]
        guard let number = known[name] else { throw ValidationError("unknown signal \"\(text)\"") }
        return number
    }
}
