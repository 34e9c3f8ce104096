import Core
import Glibc

extension ShimServer {
    /// Reaps every child that exited (the shim is the subreaper of the container's processes) and
    /// records the exits of the processes it knows; the init process's exit also goes to disk.
    func reap() {
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 { break }
            guard let process = processes.values.first(where: { $0.pid == pid && $0.status != .stopped }) else { continue }
            process.status = .stopped
            process.exitStatus = UInt32(Subprocess.exitCode(status))
            process.exitedAt = Timestamp.now.unixNanos
            closePump(process.stdinPump)
            process.stdinPump = nil
            if process.execID == nil {
                recordOOM()
                try? writeFileAtomically(exitFile, Array("\(process.exitStatus) \(process.exitedAt)".utf8))
            }
            if process.outputPumps.contains(where: { pump in pumps.contains { $0 === pump } }) {
                process.exitPendingSince = .now
            } else {
                notifyWaiters(process)
            }
        }
    }

    /// Tells waiters of exits whose output has been copied out, or that waited long enough (a
    /// background child may hold the output open).
    func notifyDrainedExits() {
        for process in processes.values {
            guard let since = process.exitPendingSince else { continue }
            process.outputPumps.removeAll { pump in !pumps.contains { $0 === pump } }
            if process.outputPumps.isEmpty || ContinuousClock.now - since > .seconds(2) {
                process.exitPendingSince = nil
                notifyWaiters(process)
            }
        }
    }

    /// Answers every `wait` request for `process` with its final state.
    func notifyWaiters(_ process: Process) {
        var response = ShimResponse()
        response.state = process.state
        for waiter in waiters where waiter.key == process.key {
            send(response, to: waiter.fd)
            close(waiter.fd)
        }
        waiters.removeAll { $0.key == process.key }
    }
}
