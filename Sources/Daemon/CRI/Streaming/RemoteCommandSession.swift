import Core
import Glibc
import Logging
import NIOCore
import NIOPosix
import Streaming

/// An exec or attach session once its client is connected: the process side (FIFOs of an exec,
/// the log file and stdin FIFO of an attached container) joined to the client's channels. Lives on
/// the connection's event loop; runtime calls run in tasks and come back to it.
final class RemoteCommandSession: StreamSession {
    enum Phase { case waiting, starting, running, done }

    let request: StreamRequest
    let version: Int
    weak var sink: (any RemoteCommandSink)?
    let service: CRIService
    let logger: Logger
    let eventLoop: any EventLoop
    var phase = Phase.waiting
    var exec: CRIService.StreamingExec?
    var stdinChannel: (any Channel)?
    var pendingStdin: [[UInt8]] = []
    var stdinClosed = false
    var outputs: [any Channel] = []
    var openOutputs = 0
    var exitCode: Int32?
    var lastOutput = NIODeadline.now()
    var resizeBuffer: [UInt8] = []
    var pendingSize: (width: UInt16, height: UInt16)?
    var clientGone = false
    var follower: LogFollower?
    var followTask: RepeatedTask?

    /// After the process exits, outputs that make no progress for this long are given up on (a
    /// background child holding stdout open).
    static let drainTimeout = TimeAmount.seconds(5)

    init(request: StreamRequest, version: Int, sink: any RemoteCommandSink, service: CRIService, logger: Logger) {
        self.request = request
        self.version = version
        self.sink = sink
        self.service = service
        self.logger = logger
        self.eventLoop = sink.channel.eventLoop
    }

    var containerID: String {
        switch request {
        case .exec(let id, _, _, _, _, _), .attach(let id, _, _, _, _): id
        case .portForward(let id, _): id
        }
    }

    // MARK: Start

    /// Every stream the request asked for is open: start the process side.
    func begin() {
        guard phase == .waiting else { return }
        phase = .starting
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let service = self.service
        switch request {
        case .exec(let id, let command, let tty, let stdin, let stdout, let stderr):
            Task {
                do {
                    let exec = try await service.startStreamingExec(id, command: command, tty: tty, stdin: stdin,
                                                                    stdout: stdout, stderr: stderr)
                    bound.eventLoop.execute { bound.value.started(exec) }
                    // The exit goes straight to the session's loop, after `started`.
                    exec.exit.whenComplete { result in
                        bound.eventLoop.execute {
                            switch result {
                            case .success(let state): bound.value.exited(Int32(bitPattern: state.exitStatus))
                            case .failure(let error): bound.value.failed(CtrError.message(of: error))
                            }
                        }
                    }
                } catch {
                    let message = CtrError.message(of: error)
                    bound.eventLoop.execute { bound.value.failed(message) }
                }
            }
        case .attach(let id, _, let stdin, _, _):
            startAttach(id, stdin: stdin)
        case .portForward:
            failed("not a remote command")
        }
    }

    func started(_ exec: CRIService.StreamingExec) {
        self.exec = exec
        guard phase == .starting, !clientGone else {
            for fd in [exec.stdin, exec.stdout, exec.stderr].compactMap({ $0 }) { close(fd) }
            phase = .done
            cleanUp()
            return
        }
        phase = .running
        if let fd = exec.stdin { attachStdin(fd) }
        if let fd = exec.stdout { addOutput(fd, .stdout) }
        if let fd = exec.stderr { addOutput(fd, .stderr) }
        if let size = pendingSize { applySize(size) }
    }

    func failed(_ message: String) {
        logger.info("stream session failed", metadata: ["container.id": "\(containerID)", "error": "\(message)"])
        phase = .done
        cleanUp()
        sink?.finish(.failure(message))
    }

    // MARK: Process output

    func addOutput(_ fd: Int32, _ stream: RemoteCommand.Channel) {
        openOutputs += 1
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let writable = sink?.channel.isWritable ?? true
        NIOPipeBootstrap(group: eventLoop)
            .channelOption(.autoRead, value: writable)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SessionIOHandler(
                        onData: { bytes in bound.value.output(stream, bytes, from: channel) },
                        onEnd: { bound.value.outputEnded() }))
                }
            }
            .takingOwnershipOfDescriptor(input: fd)
            .whenComplete { result in
                switch result {
                case .success(let channel): bound.value.outputs.append(channel)
                case .failure:
                    close(fd)
                    bound.value.outputEnded()
                }
            }
    }

    func output(_ stream: RemoteCommand.Channel, _ bytes: [UInt8], from channel: any Channel) {
        lastOutput = .now()
        guard let sink else { return }
        sink.send(stream, bytes)
        if !sink.channel.isWritable { channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in } }
    }

    func outputEnded() {
        openOutputs -= 1
        finishIfDone()
    }

    func writabilityChanged(_ writable: Bool) {
        for channel in outputs where channel.isActive {
            channel.setOption(ChannelOptions.autoRead, value: writable).whenComplete { _ in }
        }
    }

    func exited(_ code: Int32) {
        exitCode = code
        finishIfDone()
        guard phase != .done else { return }
        // Outputs still open after the exit: wait while they make progress.
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { task in
            let session = bound.value
            if session.phase == .done {
                task.cancel()
            } else if NIODeadline.now() - session.lastOutput > Self.drainTimeout {
                task.cancel()
                session.openOutputs = 0
                session.finishIfDone()
            }
        }
    }

    func finishIfDone() {
        guard phase == .running, let exitCode, openOutputs <= 0 else { return }
        phase = .done
        sink?.end(.stdout)
        sink?.end(.stderr)
        sink?.finish(exitCode == 0 ? .success : .exit(exitCode))
        cleanUp()
    }

    // MARK: Client input

    func attachStdin(_ fd: Int32) {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        NIOPipeBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SessionIOHandler(onWritable: {
                        bound.value.sink?.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
                    }))
                }
            }
            .takingOwnershipOfDescriptor(output: fd)
            .whenComplete { result in
                let session = bound.value
                switch result {
                case .success(let channel):
                    session.stdinChannel = channel
                    for bytes in session.pendingStdin { session.writeStdin(bytes) }
                    session.pendingStdin = []
                    if session.stdinClosed || session.clientGone { session.closeStdin() }
                case .failure:
                    close(fd)
                }
            }
    }

    func stdin(_ bytes: [UInt8]) {
        guard stdinChannel != nil else {
            pendingStdin.append(bytes)
            if pendingStdin.reduce(0, { $0 + $1.count }) > 1 << 20 {
                sink?.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            }
            return
        }
        writeStdin(bytes)
    }

    func writeStdin(_ bytes: [UInt8]) {
        guard let stdinChannel, stdinChannel.isActive else { return }
        stdinChannel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        if !stdinChannel.isWritable {
            // The process is not reading: stop reading the client until it does.
            sink?.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        }
    }

    func stdinEnded() {
        stdinClosed = true
        closeStdin()
    }

    func closeStdin() {
        guard let channel = stdinChannel else { return }
        stdinChannel = nil
        channel.writeAndFlush(ByteBuffer()).whenComplete { _ in channel.close(promise: nil) }
        if case .attach(let id, _, _, _, _) = request { service.attachedStdinClosed(id) }
    }

    func resize(_ bytes: [UInt8]) {
        resizeBuffer += bytes
        for size in RemoteCommand.terminalSizes(&resizeBuffer) {
            if phase == .running { applySize(size) } else { pendingSize = size }
        }
    }

    func applySize(_ size: (width: UInt16, height: UInt16)) {
        let service = self.service
        let id = containerID
        let execID = exec?.execID
        Task { try? await service.tasks.resize(service.namespace, id, execID: execID, width: UInt32(size.width), height: UInt32(size.height)) }
    }

    // MARK: Ending

    func connectionClosed() {
        clientGone = true
        guard phase != .done else { return }
        // A client that vanished leaves no process behind with a dead stdin: an exec is killed.
        closeStdin()
        switch request {
        case .exec where phase == .running: killExec()
        case .exec where phase == .starting: break  // started() sees the client gone
        default:
            phase = .done
            cleanUp()
        }
    }

    func abort(_ reason: String) {
        guard phase != .done else { return }
        if case .exec = request { killExec() }
        phase = .done
        cleanUp()
        sink?.finish(.failure(reason))
    }

    func killExec() {
        guard let exec else { return }
        let service = self.service
        let id = containerID
        service.streamWork.run {
            try? await service.tasks.kill(service.namespace, id, execID: exec.execID, signal: SIGKILL, all: false)
        }
    }

    func cleanUp() {
        closeStdin()
        followTask?.cancel()
        followTask = nil
        follower = nil
        for channel in outputs where channel.isActive { channel.close(promise: nil) }
        outputs = []
        if let exec {
            self.exec = nil
            let service = self.service
            let id = containerID
            service.streamWork.run {
                if (try? await service.tasks.state(service.namespace, id, execID: exec.execID))?.status == .running {
                    try? await service.tasks.kill(service.namespace, id, execID: exec.execID, signal: SIGKILL, all: false)
                    _ = try? await service.tasks.wait(service.namespace, id, execID: exec.execID)
                }
                await service.endStreamingExec(id, exec)
            }
        }
    }
}
