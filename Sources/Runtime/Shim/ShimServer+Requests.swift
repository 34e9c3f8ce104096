import CLinux
import Core
import FoundationEssentials
import Glibc

extension ShimServer {
    /// Reads one request line from `connection`, answers it (now, or later for `wait`).
    func handle(_ connection: Int32) {
        guard let line = LineSocket.readLine(connection),
              let request = try? decoder.decode(ShimRequest.self, from: Data(line))
        else {
            send(ShimResponse(error: .invalidArgument("shim: malformed request")), to: connection)
            close(connection)
            return
        }
        do throws(CtrError) {
            if let response = try perform(request, connection: connection) {
                send(response, to: connection)
                close(connection)
            }
        } catch {
            send(ShimResponse(error: error), to: connection)
            close(connection)
        }
    }

    func send(_ response: ShimResponse, to fd: Int32) {
        guard var bytes = try? encoder.encode(response) else { return }
        bytes.append(UInt8(ascii: "\n"))
        _ = FileIO.writeAll(fd, Array(bytes)[...])
    }

    /// Runs one request; nil means the answer comes later (`wait` on a running process: the
    /// connection is kept and answered when the process exits).
    func perform(_ request: ShimRequest, connection: Int32) throws(CtrError) -> ShimResponse? {
        switch request.op {
        case .create:
            let created = try create(request)
            watchOOM()
            return stateResponse(created)
        case .exec:
            let process = try addExec(request)
            guard request.start == true else { return stateResponse(process) }
            // Exec and start in one request, for callers that start at once (the CRI plugin).
            let started: Process
            do throws(CtrError) {
                started = try start(request.execID)
            } catch {
                processes[process.key] = nil
                throw error
            }
            guard request.wait == true else { return stateResponse(started) }
            // And wait on the same connection: the first answer now, the exit as for `wait`.
            send(stateResponse(started), to: connection)
            return waitResponse(started, connection: connection)
        case .start:
            return stateResponse(try start(request.execID))
        case .state:
            return stateResponse(try process(request.execID))
        case .kill:
            try kill(request.execID, signal: request.signal ?? SIGTERM, all: request.all ?? false)
            return ShimResponse()
        case .wait:
            return waitResponse(try process(request.execID), connection: connection)
        case .resize:
            let process = try process(request.execID)
            guard process.console >= 0 else { throw .failedPrecondition("process \"\(process.execID ?? options.id)\" has no terminal") }
            _ = ctr_set_window_size(process.console, UInt16(clamping: request.height ?? 24), UInt16(clamping: request.width ?? 80))
            return ShimResponse()
        case .closeIO:
            let process = try process(request.execID)
            closePump(process.stdinPump)
            process.stdinPump = nil
            return ShimResponse()
        case .pause, .resume:
            let process = try process(nil)
            try runtime.run([request.op == .pause ? "pause" : "resume", options.id], stdio: nil)
            process.status = request.op == .pause ? .paused : .running
            return ShimResponse()
        case .pids:
            var response = ShimResponse()
            response.pids = try pids()
            return response
        case .update:
            guard let document = request.document else { throw .invalidArgument("update: resources are required") }
            let path = options.bundle + "/resources.json"
            // Input for the `runc update` below only: no fsync.
            try writeFileAtomically(path, Array(document.utf8), durable: false)
            try runtime.run(["update", "--resources", path, options.id], stdio: nil)
            return ShimResponse()
        case .delete:
            return stateResponse(try delete(request.execID))
        case .shutdown:
            exiting = true
            return ShimResponse()
        case .reopenLog:
            try reopenLogs()
            return ShimResponse()
        }
    }

    /// The process `execID` names (nil: the init process).
    func process(_ execID: String?) throws(CtrError) -> Process {
        guard let process = processes[execID ?? ""] else {
            if let execID { throw .notFound("process \"\(execID)\" of task \"\(options.id)\": not found") }
            throw .notFound("task \"\(options.id)\": not created")
        }
        return process
    }

    /// The final state of `process` when it has exited and its output is copied out; else nil,
    /// and `connection` is answered when that happens.
    func waitResponse(_ process: Process, connection: Int32) -> ShimResponse? {
        if process.status == .stopped && process.exitPendingSince == nil { return stateResponse(process) }
        waiters.append((connection, process.key))
        return nil
    }

    func stateResponse(_ process: Process) -> ShimResponse {
        var response = ShimResponse()
        response.state = process.state
        return response
    }
}
