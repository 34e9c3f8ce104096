import ArgumentParser
import Archive
import Client
import Core
import Glibc

/// `ctr images import FILE|-`: OCI and Docker archives into the content store, recorded as images.
struct ImagesImport: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import images from an OCI or Docker archive.",
        discussion: "Images are named by io.containerd.image.name, else org.opencontainers.image.ref.name (with --base-name).")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Option(name: .customLong("base-name"), help: "Repository to prefix bare tags with.") var baseName: String?
    @OptionGroup(title: "Unpack Options") var unpackOptions: UnpackOptions
    @Flag(name: [.short, .long], help: "Print only the image names.") var quiet = false
    @Argument(help: "The archive, or - for standard input.", completion: .file()) var file: String

    func run(client: ContainerdClient) async throws {
        var path = file
        var temporary: String?
        if file == "-" {
            temporary = try copyStandardInput()
            path = temporary ?? file
        }
        defer { if let temporary { unlink(temporary) } }
        let archive = try TarReader(path: path)
        let display = ProgressDisplay(quiet: quiet)
        let images = try await client.withTemporaryLease(prefix: "ctr-import-") { leased in
            let images = try await ImageImport(store: GRPCContentIngester(client: leased), baseName: baseName,
                                               progress: { event in PullProgress.show(event, on: display) }).run(archive)
            for image in images { try await client.putImage(image) }
            return images
        }
        if quiet {
            for image in images { printOut(image.name) }
        } else {
            display.finish(images.map { image in "\(image.name): \(image.target.digest)" }.joined(separator: "\n"))
        }
        for image in images {
            try await client.withTemporaryLease(prefix: "ctr-unpack-") { leased in
                do {
                    try await unpackOptions.unpack(image, client: leased, platforms: PlatformMatcher(), quiet: quiet)
                } catch where CtrError.is(error, .notFound) && MediaType.isIndex(image.target.mediaType) {
                    printError("ctr: \(image.name): not unpacked: \(error)")
                }
            }
        }
    }

    /// Standard input into a temporary file (archives are read by offset).
    private func copyStandardInput() throws -> String {
        var template = Array("/tmp/ctr-import-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return -1 }
            return mkstemp(base)
        }
        guard fd >= 0 else { throw CtrError.internalError("create temporary file: \(Errno.current)") }
        defer { close(fd) }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            switch FileIO.readSome(0, into: &buffer) {
            case .failure(let error):
                throw CtrError.internalError("import: reading standard input: \(Errno(error.code))")
            case .success(0): return path
            case .success(let count):
                if let code = FileIO.writeAll(fd, buffer[0..<count]) {
                    throw CtrError.internalError("write \(path): \(Errno(code))")
                }
            }
        }
    }
}

/// `ctr images export FILE REF…`: an OCI archive (with Docker's manifest.json) of the images.
struct ImagesExport: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export images to an OCI archive (also readable as a Docker archive).")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Option(name: .long, help: ArgumentHelp("Platform to export (repeatable; default linux/amd64).", valueName: "os/arch"))
    var platform: [String] = []
    @Flag(name: .customLong("all-platforms"), help: "Export every platform present.") var allPlatforms = false
    @Argument(help: "The archive to write, or - for standard output.", completion: .file()) var file: String
    @Argument(help: "Images to export.", completion: .custom(Completions.images)) var references: [String]

    func run(client: ContainerdClient) async throws {
        var images: [Image] = []
        for reference in references { images.append(try await client.getImage(reference)) }
        let fd: Int32 = file == "-" ? 1 : open(file + ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CtrError.internalError("create \(file): \(Errno.current)") }
        do {
            try await ImageExport(content: GRPCContentIngester(client: client),
                                  platforms: PlatformMatcher(platforms: platform, all: allPlatforms))
                .run(images, to: TarWriter(fd: fd, path: file))
        } catch {
            if fd != 1 {
                close(fd)
                unlink(file + ".tmp")
            }
            throw error
        }
        if fd != 1 {
            guard fsync(fd) == 0, close(fd) == 0, rename(file + ".tmp", file) == 0 else {
                throw CtrError.internalError("write \(file): \(Errno.current)")
            }
        }
    }
}
