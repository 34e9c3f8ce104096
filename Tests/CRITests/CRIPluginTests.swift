import API
import Core
@testable import Daemon
import Foundation
@testable import Runtime
import Testing
import TestSupport

@Suite("CRI plugin pieces")
struct CRIPluginTests {
    func records(_ bytes: [UInt8]) -> [[String]] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map { $0.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init) }
    }

    @Test("CRI log records: one per line, long lines split into partial records, the tail flushed at the end")
    func logFormatter() {
        let formatter = CRILogFormatter(stream: "stderr", maxLine: 4)
        var out = formatter.format(Array("ab\nabcdefghij".utf8)[...])
        out += formatter.format(Array("kl\n\nlast".utf8)[...])
        out += formatter.flush()
        let lines = records(out)
        #expect(lines.map { $0[1] } == Array(repeating: "stderr", count: lines.count))
        #expect(lines.map { $0[2] } == ["F", "P", "P", "F", "F", "F"])
        #expect(lines.map { $0[3] } == ["ab", "abcd", "efgh", "ijkl", "", "last"])
        #expect(lines.allSatisfy { RFC3339.parse($0[0]) != nil })
        #expect(formatter.flush().isEmpty)
    }

    @Test("a line exactly the maximum size stays one full record")
    func exactLine() {
        let formatter = CRILogFormatter(stream: "stdout", maxLine: 3)
        #expect(records(formatter.format(Array("abc\n".utf8)[...])).map { $0[2] + $0[3] } == ["Fabc"])
    }

    @Test("CNI configs: conflists and single-plugin confs load; broken ones name the file")
    func networkConfigs() throws {
        let directory = temporaryPath("cni")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #"{"cniVersion": "1.0.0", "name": "net", "plugins": [{"type": "bridge"}, {"type": "portmap"}]}"#
            .write(toFile: directory + "/20-b.conflist", atomically: false, encoding: .utf8)
        try #"{"cniVersion": "0.4.0", "name": "single", "type": "bridge"}"#
            .write(toFile: directory + "/10-a.conf", atomically: false, encoding: .utf8)
        let runner = CNIRunner(binDirs: ["/usr/lib/cni"], confDir: directory, cacheDir: directory + "/cache")
        let first = try #require(try runner.network())
        #expect(first.name == "single" && first.plugins.count == 1 && first.cniVersion == "0.4.0")
        let list = try CNINetworkList.load(directory + "/20-b.conflist")
        #expect(list.plugins.count == 2)
        #expect(try CNINetworkList(json: list.json).plugins == list.plugins)
        try "{nope".write(toFile: directory + "/05-broken.conf", atomically: false, encoding: .utf8)
        #expect {
            _ = try runner.network()
        } throws: { error in
            "\(error)".contains("05-broken.conf")
        }
        #expect(CNIRunner.addresses(try JSONValue.parse(#"{"ips": [{"address": "10.1.2.3/24"}, {"address": "fd00::5/64"}]}"#))
                == ["10.1.2.3", "fd00::5"])
    }

    @Test("a container's spec joins the pod's namespaces and honours the security context")
    func containerSpec() throws {
        var podConfig = Runtime_V1_PodSandboxConfig()
        podConfig.metadata.name = "pod"
        podConfig.linux.cgroupParent = "/kubepods/pod1"
        let sandbox = Sandbox(id: "sb", config: podConfig, status: SandboxStatus(
            name: "pod", phase: .ready, createdAt: 0, netns: "/run/netns/x", ips: ["10.0.0.2"], runtimeHandler: "runc",
            pid: 42, root: "/nonexistent"))
        var config = Runtime_V1_ContainerConfig()
        config.metadata.name = "app"
        config.command = ["/bin/app"]
        config.args = ["--flag"]
        config.envs = [.with { $0.key = "A"; $0.value = "1" }]
        config.linux.securityContext.capabilities.addCapabilities = ["NET_ADMIN"]
        config.linux.securityContext.capabilities.dropCapabilities = ["KILL"]
        config.linux.securityContext.runAsUser = .with { $0.value = 1000 }
        config.linux.securityContext.readonlyRootfs = true
        config.linux.securityContext.namespaceOptions.pid = .pod
        config.linux.resources.memoryLimitInBytes = 1 << 26
        config.linux.resources.oomScoreAdj = -500
        let image = CRIImage(id: "sha256:x", repoTags: [], repoDigests: [], size: 0, resolved: ResolvedImage(
            manifest: Descriptor(mediaType: "", digest: SHA256Digest.of([1]), size: 1),
            config: Descriptor(mediaType: "", digest: SHA256Digest.of([2]), size: 1),
            configDocument: try JSONValue.parse(#"{"config": {"Entrypoint": ["/bin/entry"], "Cmd": ["x"], "Env": ["B=2"]}}"#),
            layers: [], diffIDs: []))
        let spec = try CRISpec.container(id: "c1", config, sandbox: sandbox, image: image, namespace: "k8s.io",
                                         restrictOOMScoreAdj: true)
        #expect(spec.process?.args == ["/bin/app", "--flag"])
        #expect(spec.process?.env?.contains("A=1") == true && spec.process?.env?.contains("B=2") == true)
        #expect(spec.process?.user.uid == 1000)
        let caps = spec.process?.capabilities?.bounding ?? []
        #expect(caps.contains("CAP_NET_ADMIN") && !caps.contains("CAP_KILL"))
        #expect(spec.root?.readonly == true)
        #expect(spec.linux?.cgroupsPath == "/kubepods/pod1/c1")
        #expect(spec.linux?.resources?.memory?.limit == 1 << 26)
        // Restricted: the -500 asked for is raised to this process's own value when that is higher.
        let own = try #require(Int(try String(contentsOfFile: "/proc/self/oom_score_adj", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(spec.process?.oomScoreAdj == max(-500, own), "restricted: not below the daemon's own (\(own))")
        let namespaces = Dictionary(uniqueKeysWithValues: (spec.linux?.namespaces ?? []).map { ($0.type, $0.path ?? "") })
        #expect(namespaces["network"] == "/run/netns/x")
        #expect(namespaces["ipc"] == "/proc/42/ns/ipc")
        #expect(namespaces["pid"] == "/proc/42/ns/pid")

        config.linux.securityContext.privileged = true
        #expect(throws: CtrError.self) {
            _ = try CRISpec.container(id: "c2", config, sandbox: sandbox, image: image, namespace: "k8s.io",
                                      restrictOOMScoreAdj: true)
        }
    }

    @Test("oom_score_adj: restricted or without CAP_SYS_RESOURCE never below the daemon's own; pods ask -998")
    func oomScoreAdj() {
        #expect(CRISpec.oomScoreAdj(-997, restrict: false, own: 0, mayLower: true) == -997)
        #expect(CRISpec.oomScoreAdj(-997, restrict: true, own: 0, mayLower: true) == 0)
        #expect(CRISpec.oomScoreAdj(-997, restrict: false, own: 0, mayLower: false) == 0)
        #expect(CRISpec.oomScoreAdj(CRISpec.sandboxOOMScoreAdj, restrict: true, own: -500, mayLower: true) == -500)
        #expect(CRISpec.oomScoreAdj(1000, restrict: true, own: -500, mayLower: false) == 1000)
        #expect(CRISpec.oomScoreAdj(300, restrict: true, own: 300, mayLower: false) == 300)
    }

    @Test("container lists: oldest first, the unfiltered answer follows every put and remove")
    func containerLists() throws {
        func container(_ id: String, at time: Int64, phase: ContainerStatus.Phase = .created) -> CRIContainer {
            CRIContainer(id: id, config: .with { $0.metadata.name = id }, status: ContainerStatus(
                name: id, sandboxID: "pod", image: "busybox", imageID: "sha256:1", imageRef: "busybox@sha256:2",
                logPath: "", phase: phase, createdAt: time))
        }
        func ids(_ entries: [[UInt8]]) throws -> [String] {
            let bytes = entries.reduce(into: [UInt8]()) { $0 += $1 }
            return try Runtime_V1_ListContainersResponse(serializedBytes: bytes).containers.map(\.id)
        }
        var store = CRIService.Store()
        store.put(container("b", at: 2))
        store.put(container("a", at: 1))
        #expect(try ids(store.containerEntries(nil)) == ["a", "b"])
        store.put(container("c", at: 3))
        store.remove(container: "a")
        #expect(try ids(store.containerEntries(nil)) == ["b", "c"])
        store.put(container("b", at: 2, phase: .running))
        let listed = try Runtime_V1_ListContainersResponse(
            serializedBytes: store.containerEntries(nil).reduce(into: [UInt8]()) { $0 += $1 })
        #expect(listed.containers.map(\.state) == [.containerRunning, .containerCreated])
        #expect(try ids(store.containerEntries { $0.status.phase == .running }) == ["b"])
    }

    @Test("user names resolve in the image's passwd and group files, as runc does")
    func userDatabase() throws {
        let passwd = "root:x:0:0:root:/root:/bin/sh\n# comment\nnobody:x:65534:65534::/:/bin/false\napp:x:1000:1000::/app:/bin/sh\n"
        let group = "root:x:0:\nstaff:x:50:app,nobody\napp:x:1000:\nwheel:x:10:app\n"
        #expect(try UserDatabase.resolve("app", passwd: passwd, group: group)
                == .init(uid: 1000, gid: 1000, additionalGids: [50, 10]))
        #expect(try UserDatabase.resolve("nobody:staff", passwd: passwd, group: group).gid == 50)
        #expect(try UserDatabase.resolve("1000", passwd: passwd, group: group).gid == 1000)
        #expect(try UserDatabase.resolve("4242:7", passwd: nil, group: nil) == .init(uid: 4242, gid: 7, additionalGids: []))
        #expect(!UserDatabase.needsLookup("1000:1000") && UserDatabase.needsLookup("app") && UserDatabase.needsLookup("0:wheel"))
        #expect(throws: CtrError.self) { try UserDatabase.resolve("ghost", passwd: passwd, group: group) }
        #expect(throws: CtrError.self) { try UserDatabase.resolve("app:nogroup", passwd: passwd, group: group) }
    }
}

@Suite("ImageFsInfo's answer")
struct ImageFilesystemUsageTests {
    @Test("computed when there is none or it is over a minute old; given as it is under 10 s; given and refreshed once between")
    func plan() {
        var usage = ImageFilesystemUsage()
        let start = ContinuousClock.now
        #expect(usage.plan(at: start) == .compute, "nothing known yet")
        usage.record(bytes: 100, inodes: 5, at: start)
        #expect(usage.plan(at: start + .seconds(9)) == .answer(bytes: 100, inodes: 5))
        #expect(usage.plan(at: start + .seconds(11)) == .answerAndRefresh(bytes: 100, inodes: 5))
        #expect(usage.plan(at: start + .seconds(12)) == .answer(bytes: 100, inodes: 5), "one refresh at a time")
        usage.record(bytes: 200, inodes: 6, at: start + .seconds(12))
        #expect(usage.plan(at: start + .seconds(13)) == .answer(bytes: 200, inodes: 6))
        #expect(usage.plan(at: start + .seconds(23)) == .answerAndRefresh(bytes: 200, inodes: 6))
        #expect(usage.plan(at: start + .seconds(73)) == .compute, "too old to give, even with a refresh running")
    }
}
