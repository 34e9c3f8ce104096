import ArgumentParser
import Client
import Core
import Snapshots
import FoundationEssentials

/// What `ctr run` and `ctr containers create` share: the snapshotter and the spec options.
struct ContainerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Snapshotter for the root filesystem (env CONTAINERD_SNAPSHOTTER).", valueName: "name"))
    var snapshotter: String = UnpackOptions.defaultSnapshotter
    @Flag(name: [.short, .customLong("tty")], help: "Allocate a terminal.") var tty = false
    @Option(name: .long, help: ArgumentHelp("Environment variable (repeatable).", valueName: "KEY=VALUE")) var env: [String] = []
    @Option(name: .long, help: ArgumentHelp("Mount (repeatable): type=bind,src=/host,dst=/ctr,options=rbind:ro.", valueName: "spec"))
    var mount: [String] = []
    @Flag(name: .customLong("net-host"), help: "Use the host's network namespace.") var netHost = false
    @Option(name: .customLong("memory-limit"), help: ArgumentHelp("Memory limit in bytes.", valueName: "bytes"))
    var memoryLimit: Int64?
    @Option(name: .long, help: ArgumentHelp("CPUs the container may use (e.g. 0.5).", valueName: "n")) var cpus: Double?
    @Option(name: .long, help: ArgumentHelp("Working directory inside the container.", valueName: "dir")) var cwd: String?
    @Option(name: .long, help: ArgumentHelp("Container label (repeatable).", valueName: "KEY=VALUE")) var label: [String] = []
    @Option(name: .long, help: ArgumentHelp("Runtime name.", valueName: "name")) var runtime: String = "io.containerd.runc.v2"

    func validate() throws {
        _ = try parseLabels(label)
        for item in env where !item.contains("=") { throw ValidationError("--env \"\(item)\" must be KEY=VALUE") }
        for item in mount { _ = try Self.parseMount(item) }
        if let memoryLimit, memoryLimit <= 0 { throw ValidationError("--memory-limit must be positive") }
        if let cpus, cpus <= 0 { throw ValidationError("--cpus must be positive") }
    }

    static func parseMount(_ text: String) throws -> OCISpec.Mount {
        var fields: [String: String] = [:]
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { throw ValidationError("--mount \"\(text)\": \"\(part)\" is not key=value") }
            fields[String(pair[0])] = String(pair[1])
        }
        guard let destination = fields["dst"] ?? fields["destination"] ?? fields["target"] else {
            throw ValidationError("--mount \"\(text)\": dst= is required")
        }
        let type = fields["type"] ?? "bind"
        var options = fields["options"].map { $0.split(separator: ":").map(String.init) } ?? []
        if type == "bind" && !options.contains("bind") && !options.contains("rbind") { options.append("rbind") }
        return OCISpec.Mount(destination: destination, type: type, source: fields["src"] ?? fields["source"] ?? "",
                             options: options)
    }

    /// The spec for container `id`: containerd's defaults, the image's process settings, then the flags.
    func spec(id: String, namespace: String, image: ResolvedImage?, args: [String]) throws -> OCISpec {
        var spec = OCISpec.defaultSpec(id: id, namespace: namespace)
        spec.apply(imageConfig: image?.runConfig, args: args)
        spec.process?.terminal = tty
        if !env.isEmpty {
            var merged = spec.process?.env ?? []
            for item in env {
                let key = item.split(separator: "=", maxSplits: 1)[0] + "="
                merged.removeAll { $0.hasPrefix(key) }
                merged.append(item)
            }
            spec.process?.env = merged
        }
        if tty { spec.process?.env?.append("TERM=xterm") }
        if let cwd { spec.process?.cwd = cwd }
        for item in mount { spec.mounts?.append(try Self.parseMount(item)) }
        if netHost {
            spec.linux?.namespaces?.removeAll { $0.type == "network" }
            spec.mounts?.append(OCISpec.Mount(destination: "/etc/hosts", type: "bind", source: "/etc/hosts", options: ["rbind", "ro"]))
            spec.mounts?.append(OCISpec.Mount(destination: "/etc/resolv.conf", type: "bind", source: "/etc/resolv.conf",
                                              options: ["rbind", "ro"]))
        }
        if let memoryLimit {
            spec.linux?.resources?.memory = OCISpec.Memory(limit: memoryLimit)
        }
        if let cpus {
            spec.linux?.resources?.cpu = OCISpec.CPU(quota: Int64(cpus * 100_000), period: 100_000)
        }
        return spec
    }

    /// An image `User` naming a user or group is looked up in the container's own /etc/passwd and
    /// /etc/group, read (confined to the rootfs) from its snapshot mounted here, as containerd's
    /// ctr does; numeric users need nothing.
    static func resolveImageUser(_ spec: inout OCISpec, image: ResolvedImage, mounts: [Mount]) throws {
        guard case .string(let user)? = image.runConfig?["User"], UserDatabase.needsLookup(user) else { return }
        let (passwd, group) = try Mounter.withTemporaryMount(mounts, base: "/tmp") { root in
            (FileTree.readConfined("etc/passwd", in: root), FileTree.readConfined("etc/group", in: root))
        }
        let resolved = try UserDatabase.resolve(user, passwd: passwd, group: group)
        spec.process?.user.uid = resolved.uid
        spec.process?.user.gid = resolved.gid
        spec.process?.user.additionalGids = resolved.additionalGids.isEmpty ? nil : resolved.additionalGids
    }

    /// Resolves the image, unpacks it when its snapshot is missing, prepares the container's
    /// snapshot and creates the container. A lease covers the window before the container holds
    /// the snapshot.
    func createContainer(client: ContainerdClient, imageName: String, id: String, args: [String]) async throws -> Container {
        let image = try await client.getImageOrHint(imageName)
        let content = GRPCContentIngester(client: client)
        let resolved = try await ResolvedImage.resolve(image.name, target: image.target, content: content,
                                                       platforms: PlatformMatcher())
        var spec = try spec(id: id, namespace: client.namespace, image: resolved, args: args)
        let labels = try parseLabels(label)
        return try await client.withTemporaryLease(prefix: "ctr-run-") { leased in
            do {
                _ = try await leased.statSnapshot(snapshotter, key: resolved.chainID.description)
            } catch where CtrError.is(error, .notFound) {
                try await UnpackOptions.unpack(image, snapshotter: snapshotter, client: leased,
                                               platforms: PlatformMatcher(), quiet: true)
            }
            let mounts = try await leased.prepareSnapshot(snapshotter, key: id, parent: resolved.chainID.description)
            do {
                try Self.resolveImageUser(&spec, image: resolved, mounts: mounts)
            } catch {
                try? await leased.removeSnapshot(snapshotter, key: id)
                throw error
            }
            let container = Container(
                id: id, labels: labels, image: image.name, runtime: .init(name: runtime),
                spec: TypedValue(typeURL: OCISpec.typeURL, value: try spec.encoded()),
                snapshotter: snapshotter, snapshotKey: id)
            do {
                return try await leased.createContainer(container)
            } catch {
                try? await leased.removeSnapshot(snapshotter, key: id)
                throw error
            }
        }
    }
}
