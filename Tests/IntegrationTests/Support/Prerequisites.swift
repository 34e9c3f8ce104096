import Foundation
import Testing
import TestSupport

/// What the end-to-end tests run against. `scripts/test.sh` installs all of it and refuses to run
/// without it (`scripts/check-prerequisites.sh`); `PrerequisitesTests` fails the suite when any is
/// missing, so that a test gated on one of these can skip but the run cannot pass.
enum Prerequisites {
    /// Each prerequisite: what it is, and the paths that must be executable.
    static let all: [(name: String, paths: [String])] = [
        ("Debian's containerd and its ctr", [containerdBinary, containerdCtr, "/usr/bin/containerd-shim-runc-v2"]),
        ("runc", ["/usr/sbin/runc"]),
        ("CNI plugins", ["bridge", "host-local", "loopback", "portmap"].map { "/usr/lib/cni/" + $0 }),
        ("docker-registry", ["/usr/bin/docker-registry"]),
        ("skopeo", ["/usr/bin/skopeo"]),
        ("umoci", ["/usr/bin/umoci"]),
        ("busybox-static", ["/bin/busybox"]),
        ("golang-1.19 and golang-google-grpc-dev", [goBinary, "/usr/share/gocode/src/google.golang.org/grpc"]),
        ("grpcio (PyPI) in .build-bench-venv", [grpcioPython]),
        ("tmux, zsh and fish", ["/usr/bin/tmux", "/usr/bin/zsh", "/usr/bin/fish"]),
        ("debootstrap, qemu-system-x86, cpio and objcopy (the guest VM)",
         ["/usr/sbin/debootstrap", "/usr/bin/qemu-system-x86_64", "/usr/bin/cpio", "/usr/bin/objcopy"]),
    ]

    /// The prerequisites that are missing, each with the first path not found; root is one of them.
    static var missing: [String] {
        var missing = all.compactMap { entry in
            entry.paths.first { !FileManager.default.isExecutableFile(atPath: $0) }.map { "\(entry.name) (\($0))" }
        }
        if getuid() != 0 { missing.insert("root (uid \(getuid()))", at: 0) }
        return missing
    }

    static func have(_ paths: [String]) -> Bool {
        paths.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Debian containerd's own client and daemon.
let haveContainerd = Prerequisites.have([containerdBinary, containerdCtr])
let haveRunc = Prerequisites.have(["/usr/sbin/runc"])
/// Debian's Go and grpc-go, for a client dialled as a kubelet dials.
let goBinary = "/usr/lib/go-1.19/bin/go"
/// The virtualenv with grpcio that scripts/test.sh (and the bench) make.
let grpcioPython = repositoryRoot + "/.build-bench-venv/bin/python"
let haveGRPCGo = Prerequisites.have([goBinary, "/usr/share/gocode/src/google.golang.org/grpc"])
let haveRegistryTools = Prerequisites.have(["/usr/bin/docker-registry", "/usr/bin/skopeo", "/usr/bin/umoci", "/bin/busybox"])

extension Trait where Self == ConditionTrait {
    /// For a test that drives Debian's containerd or its `ctr`: skipped without them (and the
    /// prerequisites test then fails the run). Tests that do not use containerd never carry it.
    static var usesContainerd: Self {
        .enabled(if: haveContainerd, "Debian's containerd is not installed")
    }
}

@Suite("End-to-end prerequisites")
struct PrerequisitesTests {
    @Test("root, Debian's containerd, runc, CNI plugins, docker-registry, skopeo, umoci, busybox and grpc-go are present")
    func present() {
        let missing = Prerequisites.missing
        #expect(missing.isEmpty, "missing for the end-to-end tests: \(missing.joined(separator: ", ")); scripts/test.sh installs them")
    }
}
