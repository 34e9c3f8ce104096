import Commands
import Runtime

// The per-container supervisor skips the command tree (see ShimMain).
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "shim" {
    ShimMain.run(Array(CommandLine.arguments.dropFirst(2)))
}
await Ctr.execute()
