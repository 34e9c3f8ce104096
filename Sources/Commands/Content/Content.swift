import ArgumentParser
import Client
import Core
import Glibc
import Registry

/// `ctr content`: the content store.
struct ContentGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "content", abstract: "Manage content in the content store.",
        subcommands: [ContentList.self, ContentGet.self, ContentFetch.self, ContentIngest.self, ContentRemove.self,
                      ContentLabel.self, ContentActive.self])
}

/// Human sizes as containerd's and crictl's tables print them (decimal units, 3 significant digits).
func humanSize(_ bytes: Int64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000 && unit < units.count - 1 {
        value /= 1000
        unit += 1
    }
    if unit == 0 { return "\(bytes) B" }
    let rounded = value >= 100 ? (value).rounded() : value >= 10 ? (value * 10).rounded() / 10 : (value * 100).rounded() / 100
    var text = String(rounded)
    if text.hasSuffix(".0") { text.removeLast(2) }
    return "\(text) \(units[unit])"
}

/// "3 seconds", "2 minutes", "5 hours", "4 days" since `timestamp`.
func humanAge(_ timestamp: Timestamp, now: Timestamp = .now) -> String {
    let seconds = max(0, now.seconds - timestamp.seconds)
    switch seconds {
    case ..<1: return "Less than a second"
    case ..<60: return "\(seconds) second\(seconds == 1 ? "" : "s")"
    case ..<3600: return "\(seconds / 60) minute\(seconds / 60 == 1 ? "" : "s")"
    case ..<172_800: return "\(seconds / 3600) hour\(seconds / 3600 == 1 ? "" : "s")"
    default: return "\(seconds / 86400) days"
    }
}

struct ContentList: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List all blobs in the content store.", aliases: ["ls"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Flag(name: [.short, .long], help: "Print only the digests.") var quiet = false
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table
    @Argument(help: "Filters, e.g. labels.\"containerd.io/gc.root\" or digest==sha256:….") var filters: [String] = []

    func run(client: ContainerdClient) async throws {
        let infos = try await client.listContent(filters: filters)
        if quiet {
            for info in infos { printOut(info.digest.description) }
            return
        }
        let listing = Listing(
            headers: ["DIGEST", "SIZE", "AGE", "LABELS"],
            rows: infos.map { [$0.digest.description, humanSize($0.size), humanAge($0.createdAt), formatLabels($0.labels)] },
            document: .array(infos.map { info in
                .object([("digest", .string(info.digest.description)), ("size", .integer(info.size)),
                         ("createdAt", .integer(info.createdAt.seconds)), ("labels", .sortedObject(info.labels))])
            }))
        printOut(listing.render(output))
    }
}

struct ContentGet: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Write a blob's bytes to stdout.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The blob's digest.", completion: .custom(Completions.content)) var digest: String

    func validate() throws { _ = try Digest(parsing: digest) }

    func run(client: ContainerdClient) async throws {
        try await client.readContent(try Digest(parsing: digest)) { bytes in StandardOutput.write(bytes) }
    }
}

/// `ctr content fetch REF`: `images pull` without unpacking, as containerd's `content fetch`.
struct ContentFetch: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch", abstract: "Fetch an image's content into the content store and record the image (no unpack).")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup(title: "Registry Options") var registryOptions: RegistryOptions
    @Option(name: .long, help: ArgumentHelp("Platform to fetch (repeatable; default linux/amd64).", valueName: "os/arch"))
    var platform: [String] = []
    @Flag(name: .customLong("all-platforms"), help: "Fetch the content of every platform.") var allPlatforms = false
    @Flag(name: [.short, .long], help: "Print only the image's digest when done.") var quiet = false
    @Argument(help: "The image reference, e.g. 127.0.0.1:5000/busybox:latest.") var reference: String

    func validate() throws { _ = try Reference(parsing: reference) }

    func run(client: ContainerdClient) async throws {
        _ = try await ImagesPull.fetch(try Reference(parsing: reference), client: client, registryOptions: registryOptions,
                                       platforms: PlatformMatcher(platforms: platform, all: allPlatforms), quiet: quiet)
    }
}

/// `ctr content ingest REF < blob`: stores standard input as a blob and prints its digest.
struct ContentIngest: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Store standard input as a blob under an ingest ref; print its digest.",
        discussion: "Unreferenced blobs are collected; keep one with --label containerd.io/gc.root=<anything>.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Option(name: .customLong("expected-size"), help: "Fail unless the blob has this many bytes.") var expectedSize: Int64 = 0
    @Option(name: .customLong("expected-digest"), help: "Fail unless the blob has this digest.") var expectedDigest: String?
    @Option(name: .customLong("label"), help: ArgumentHelp("Label for the blob (repeatable).", valueName: "key=value"))
    var labels: [String] = []
    @Argument(help: "The ingest's ref (any name; one writer at a time).") var ref: String

    func validate() throws {
        if let expectedDigest { _ = try Digest(parsing: expectedDigest) }
        if expectedSize < 0 { throw ValidationError("--expected-size must not be negative") }
        _ = try parseLabels(labels)
    }

    func run(client: ContainerdClient) async throws {
        let expected = try expectedDigest.map { text throws(CtrError) in try Digest(parsing: text) }
        let labels = try parseLabels(labels)
        let digest: Digest
        do {
            digest = try await Self.write(client, ref: ref, size: expectedSize, expected: expected, labels: labels)
        } catch let error as CtrError where error.code == .failedPrecondition {
            // A blob that fails its size or digest check leaves no partial ingest behind.
            try? await client.abortContentWrite(ref: ref)
            throw error
        }
        printOut(digest.description)
    }

    static func write(_ client: ContainerdClient, ref: String, size: Int64, expected: Digest?, labels: [String: String])
        async throws -> Digest
    {
        try await client.writeContent(ref: ref, size: size, expected: expected, labels: labels) { write in
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                switch FileIO.readSome(0, into: &buffer) {
                case .failure(let error):
                    throw CtrError.internalError("ingest \(ref): reading standard input: \(Errno(error.code))")
                case .success(0): return
                case .success(let count): try await write(Array(buffer[0..<count]))
                }
            }
        }
    }
}

struct ContentRemove: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove one or more blobs from the namespace.", aliases: ["rm", "delete", "del"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "Digests to remove.", completion: .custom(Completions.content)) var digests: [String]

    func validate() throws { for digest in digests { _ = try Digest(parsing: digest) } }

    func run(client: ContainerdClient) async throws {
        try await removeEach(digests, kind: "") { try await client.deleteContent(try Digest(parsing: $0)) }
    }
}

struct ContentLabel: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "label", abstract: "Set and clear labels of a blob.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The blob's digest.", completion: .custom(Completions.content)) var digest: String
    @Argument(help: "Labels, as key=value (key= clears the label).") var labels: [String] = []

    func validate() throws {
        _ = try Digest(parsing: digest)
        _ = try parseLabels(labels)
    }

    func run(client: ContainerdClient) async throws {
        let changes = try parseLabels(labels)
        var info = try await client.contentInfo(try Digest(parsing: digest))
        if changes.isEmpty {
            printOut(formatLabels(info.labels))
            return
        }
        info.labels = changes.filter { !$0.value.isEmpty }
        let updated = try await client.updateContent(info, paths: changes.keys.sorted().map { "labels.\($0)" })
        printOut(formatLabels(updated.labels))
    }
}

struct ContentActive: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "active", abstract: "Display active transfers (ingests in progress).")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    func run(client: ContainerdClient) async throws {
        let statuses = try await client.ingestStatuses()
        let listing = Listing(
            headers: ["REF", "SIZE", "AGE"],
            rows: statuses.map { [$0.ref, "\(humanSize($0.offset))/\(humanSize($0.total))", humanAge($0.startedAt)] },
            document: .array(statuses.map { status in
                .object([("ref", .string(status.ref)), ("offset", .integer(status.offset)),
                         ("total", .integer(status.total)), ("expected", .string(status.expected?.description ?? ""))])
            }))
        printOut(listing.render(output))
    }
}
