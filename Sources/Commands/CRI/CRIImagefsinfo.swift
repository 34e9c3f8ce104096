import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri imagefsinfo`: the filesystems holding images and container layers.
struct CRIImagefsinfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imagefsinfo", abstract: "Return image filesystem info.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: [.short, .customLong("output")], help: "Output format: json, yaml or table.")
    var output: OutputFormat = .json

    func run() async throws {
        let response = try await cri.withImages { try await $0.imageFsInfo() }
        guard output == .table else {
            printOut(CRIFormat.render(CRIFormat.json(response), output))
            return
        }
        let rows = response.imageFilesystems.map { ("image", $0) } + response.containerFilesystems.map { ("container", $0) }
        printOut(Table.render(
            headers: ["FILESYSTEM", "MOUNTPOINT", "USED", "INODES"],
            rows: rows.map { [$0.0, $0.1.fsID.mountpoint, CRIFormat.size($0.1.usedBytes.value), String($0.1.inodesUsed.value)] }))
    }
}
