import ArgumentParser
import Client
import Core
import FoundationEssentials
import Glibc

/// `ctr tasks`: the running processes of containers.
struct TasksGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "Manage tasks.",
        subcommands: [TasksStart.self, TasksList.self, TasksKill.self, TasksRemove.self, TasksExec.self,
                      TasksAttach.self, TasksPs.self, TasksPause.self, TasksResume.self, TasksMetrics.self],
        aliases: ["task", "t"])
}

struct TasksStart: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a container's task.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Flag(name: [.short, .long], help: "Start and return (no stdio).") var detach = false
    @Flag(name: [.short, .customLong("tty")], help: "Allocate a terminal (the container's spec must ask for one).") var tty = false
    @Argument(help: "The container ID.", completion: .custom(Completions.containers)) var id: String

    func run(client: ContainerdClient) async throws {
        let container = try await client.getContainer(id)
        var terminal = tty
        if let spec = container.spec, let document = try? JSONValue.parse(String(decoding: spec.value, as: UTF8.self)),
           case .bool(true)? = document["process"]?["terminal"] {
            terminal = true
        }
        let status = try await TaskRunner.runTask(client: client, container: container, tty: terminal, detach: detach)
        if detach { return }
        try? await client.deleteTask(id)
        if status != 0 { throw ExitCode(Int32(status)) }
    }
}

struct TasksList: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tasks.", aliases: ["ls"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Flag(name: [.short, .long], help: "Print only the task IDs.") var quiet = false
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    func run(client: ContainerdClient) async throws {
        let tasks = try await client.listTasks()
        if quiet {
            for task in tasks { printOut(task.containerID) }
            return
        }
        let listing = Listing(
            headers: ["TASK", "PID", "STATUS"],
            rows: tasks.map { [$0.containerID, String($0.pid), $0.status.rawValue] },
            document: .array(tasks.map { task in
                .object([("id", .string(task.containerID)), ("pid", .integer(Int64(task.pid))),
                         ("status", .string(task.status.rawValue)), ("exitStatus", .integer(Int64(task.exitStatus)))])
            }))
        printOut(listing.render(output))
    }
}

struct TasksKill: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "kill", abstract: "Signal a task (default SIGTERM).")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Option(name: [.short, .long], help: "The signal, by name or number.") var signal: String = "SIGTERM"
    @Flag(name: .long, help: "Signal every process in the container.") var all = false
    @Option(name: .customLong("exec-id"), help: "Signal this exec process instead.") var execID: String = ""
    @Argument(help: "The container ID.", completion: .custom(Completions.tasks)) var id: String

    func validate() throws { _ = try TaskRunner.parseSignal(signal) }

    func run(client: ContainerdClient) async throws {
        try await client.killTask(id, signal: try TaskRunner.parseSignal(signal), all: all, execID: execID)
    }
}

struct TasksRemove: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete stopped tasks.", aliases: ["rm", "remove", "del"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Flag(name: [.short, .long], help: "Kill a running task (SIGKILL) first.") var force = false
    @Option(name: .customLong("exec-id"), help: "Delete this exec process instead.") var execID: String = ""
    @Argument(help: "Container IDs.", completion: .custom(Completions.tasks)) var ids: [String]

    func run(client: ContainerdClient) async throws {
        try await removeEach(ids, kind: "task ") { id in
            if force {
                let task = try await client.getTask(id, execID: execID)
                if task.status == .running || task.status == .paused || task.status == .created {
                    if task.status == .paused { try await client.resumeTask(id) }
                    try await client.killTask(id, signal: SIGKILL, all: true, execID: execID)
                    _ = try await client.waitTask(id, execID: execID)
                }
            }
            do {
                try await client.deleteTask(id, execID: execID)
            } catch let error as CtrError where error.code == .failedPrecondition {
                throw CtrError.failedPrecondition("\(error.message): stop it first (ctr tasks kill \(id)) or use --force")
            }
        }
    }
}

struct TasksExec: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "exec", abstract: "Run another process in a task.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Option(name: .customLong("exec-id"), help: "The new process's ID.") var execID: String
    @Flag(name: [.short, .customLong("tty")], help: "Allocate a terminal.") var tty = false
    @Flag(name: [.short, .long], help: "Start and return.") var detach = false
    @Option(name: .long, help: "Working directory.") var cwd: String?
    @Option(name: .long, help: ArgumentHelp("Environment variable (repeatable).", valueName: "KEY=VALUE")) var env: [String] = []
    @Argument(help: "The container ID.", completion: .custom(Completions.tasks)) var id: String
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments.") var args: [String] = []

    func validate() throws {
        if args.isEmpty { throw ValidationError("a command is required") }
    }

    func run(client: ContainerdClient) async throws {
        let container = try await client.getContainer(id)
        guard let specBytes = container.spec?.value,
              let spec = try? JSONDecoder().decode(OCISpec.self, from: Data(specBytes)), var process = spec.process
        else { throw CtrError.invalidArgument("container \"\(id)\": its spec has no process to base the exec on") }
        process.args = args
        process.terminal = tty
        if let cwd { process.cwd = cwd }
        process.env = (process.env ?? []) + env
        let status = try await TaskRunner.runExec(client: client, id: id, execID: execID, process: process, tty: tty,
                                                  detach: detach)
        if status != 0 { throw ExitCode(Int32(status)) }
    }
}

struct TasksAttach: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "attach", abstract: "Copy a running task's output here.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The container ID.", completion: .custom(Completions.tasks)) var id: String

    func run(client: ContainerdClient) async throws {
        let task = try await client.getTask(id)
        guard !task.stdout.isEmpty, access(task.stdout, F_OK) == 0 else {
            throw CtrError.failedPrecondition("task \"\(id)\" has no stdio to attach to (started detached?)")
        }
        for path in [task.stdout, task.stderr] where !path.isEmpty {
            let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFL, 0)
            let target: Int32 = path == task.stdout ? 1 : 2
            BlockingThread.start { TaskStdio.copy(from: fd, to: target) }
        }
        let status = try await client.waitTask(id)
        if status != 0 { throw ExitCode(Int32(status)) }
    }
}

struct TasksPs: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List the processes of a task.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The container ID.", completion: .custom(Completions.tasks)) var id: String

    func run(client: ContainerdClient) async throws {
        let pids = try await client.taskPids(id)
        printOut(Table.render(headers: ["PID", "INFO"], rows: pids.map { [String($0), "-"] }))
    }
}

struct TasksPause: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Freeze a task's processes.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The container ID.", completion: .custom(Completions.tasks)) var id: String

    func run(client: ContainerdClient) async throws { try await client.pauseTask(id) }
}

struct TasksResume: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Thaw a paused task.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The container ID.", completion: .custom(Completions.tasks)) var id: String

    func run(client: ContainerdClient) async throws { try await client.resumeTask(id) }
}

struct TasksMetrics: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Show a task's cgroup metrics.", aliases: ["metric"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Option(name: .long, help: "Output format: table or json.") var format: String = "table"
    @Argument(help: "The container ID.", completion: .custom(Completions.tasks)) var id: String

    func validate() throws {
        if !["table", "json"].contains(format) { throw ValidationError("--format must be table or json") }
    }

    func run(client: ContainerdClient) async throws {
        let metrics = try await client.taskMetrics(id)
        let rows = metrics.rows
        if format == "json" {
            printOut(JSONValue.object([("id", .string(metrics.id)), ("timestamp", .string(RFC3339.format(metrics.timestamp)))]
                                      + rows.map { ($0.0, .string($0.1)) }).serialized() + "\n")
            return
        }
        printOut(Table.render(headers: ["ID", "TIMESTAMP"], rows: [[metrics.id, RFC3339.format(metrics.timestamp)]]))
        printOut(Table.render(headers: ["METRIC", "VALUE"], rows: rows.map { [$0.0, $0.1] }))
    }
}
