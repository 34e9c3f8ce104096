import API
import Core
@testable import Daemon
import Foundation
import Testing
import TestSupport

/// Seccomp profiles: the JSON format read, rules filtered for a container, the built-in default.
@Suite("Seccomp profiles")
struct SeccompTests {
    static let amd64 = SeccompHost(arch: "amd64", nativeArchitecture: "SCMP_ARCH_X86_64", kernel: [6, 1])

    @Test("a profile's rules are kept by capability, architecture and kernel; archMap picks this host's")
    func filtering() throws {
        let profile = try SeccompProfile.parse("""
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
             "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                         {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
             "syscalls": [
               {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
               {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
               {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38, "excludes": {"caps": ["CAP_SYS_ADMIN"]}},
               {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64", "x32"]}},
               {"names": ["sync_file_range2"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["ppc64le"]}},
               {"names": ["io_pgetevents"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "7.0"}},
               {"name": "personality", "action": "SCMP_ACT_ALLOW",
                "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]}]}
            """)
        let plain = profile.spec(capabilities: ["CAP_CHOWN"], host: Self.amd64)
        #expect(plain.architectures == ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"])
        #expect(plain.defaultErrnoRet == 1)
        #expect(plain.syscalls?.map(\.names) == [["read", "write"], ["clone3"], ["arch_prctl"], ["personality"]])
        #expect(plain.syscalls?.first { $0.names == ["clone3"] }?.errnoRet == 38)
        #expect(plain.syscalls?.last?.args == [.init(index: 0, value: 4_294_967_295, valueTwo: 0, op: "SCMP_CMP_EQ")])
        let admin = profile.spec(capabilities: ["CAP_SYS_ADMIN"], host: Self.amd64)
        #expect(admin.syscalls?.map(\.names) == [["read", "write"], ["mount"], ["arch_prctl"], ["personality"]])
        let newer = SeccompHost(arch: "amd64", nativeArchitecture: "SCMP_ARCH_X86_64", kernel: [7, 2])
        #expect(profile.spec(capabilities: [], host: newer).syscalls?.contains { $0.names == ["io_pgetevents"] } == true)
    }

    @Test("a bad profile fails naming the file and the cause", arguments: [
        ("{not json", "invalid JSON"),
        (#"{"syscalls": []}"#, "no defaultAction"),
        (#"{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"], "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]}"#,
         "both architectures and archMap"),
        (#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"]}]}"#, "syscalls[0] has no action"),
        (#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_ALLOW"}]}"#, "syscalls[0] names no system call"),
    ])
    func badProfiles(text: String, cause: String) throws {
        let path = temporaryPath("seccomp", suffix: ".json")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: CtrError.self) { try SeccompProfile.load(path: path) }
        #expect(error?.message.hasPrefix("seccomp profile \"\(path)\": ") == true, "\(String(describing: error))")
        #expect(error?.message.contains(cause) == true, "\(String(describing: error))")
        let missing = #expect(throws: CtrError.self) { try SeccompProfile.load(path: path + ".absent") }
        #expect(missing?.message == "seccomp profile \"\(path).absent\": no such file or directory", "\(String(describing: missing))")
    }

    @Test("the built-in default allows the common calls, refuses the dangerous ones, and depends on capabilities")
    func runtimeDefault() {
        let plain = SeccompProfile.runtimeDefault.spec(capabilities: OCISpec.defaultCapabilities, host: Self.amd64)
        #expect(plain.defaultAction == "SCMP_ACT_ERRNO")
        #expect(plain.architectures == ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"])
        let allowed = Set((plain.syscalls ?? []).filter { $0.action == "SCMP_ACT_ALLOW" && $0.args == nil }.flatMap(\.names))
        for name in ["read", "write", "openat", "execve", "clone", "futex", "epoll_wait", "arch_prctl", "ptrace"] {
            #expect(allowed.contains(name) || (plain.syscalls ?? []).contains { $0.names.contains(name) }, "\(name)")
        }
        for name in ["mount", "umount2", "reboot", "kexec_load", "init_module", "bpf", "unshare", "setns", "sethostname"] {
            #expect(!allowed.contains(name), "\(name) is allowed without its capability")
        }
        let admin = SeccompProfile.runtimeDefault.spec(capabilities: OCISpec.defaultCapabilities + ["CAP_SYS_ADMIN"],
                                                       host: Self.amd64)
        let adminAllowed = Set((admin.syscalls ?? []).filter { $0.action == "SCMP_ACT_ALLOW" }.flatMap(\.names))
        #expect(adminAllowed.isSuperset(of: ["mount", "umount2", "unshare", "setns", "sethostname"]))
    }

    @Test("CRI chooses the profile: field, deprecated path, the plugin's unset default; privileged gets none")
    func choice() throws {
        var profile = Runtime_V1_SecurityProfile()
        profile.profileType = .unconfined
        func chosen(_ profile: Runtime_V1_SecurityProfile?, path: String = "", privileged: Bool = false,
                    unset: String = "") throws(CtrError) -> OCISpec.Seccomp? {
            try CRISpec.seccomp(profile, path: path, privileged: privileged, unset: unset,
                                capabilities: OCISpec.defaultCapabilities, object: "container \"c\"")
        }
        #expect(try chosen(profile) == nil)
        #expect(try chosen(nil) == nil)
        #expect(try chosen(nil, unset: "runtime/default")?.defaultAction == "SCMP_ACT_ERRNO")
        #expect(try chosen(nil, path: "docker/default")?.defaultAction == "SCMP_ACT_ERRNO")
        #expect(try chosen(nil, path: "unconfined", unset: "runtime/default") == nil)
        profile.profileType = .runtimeDefault
        #expect(try chosen(profile, privileged: true) == nil)
        let unknown = #expect(throws: CtrError.self) { try chosen(nil, path: "strict") }
        #expect(unknown?.message == "container \"c\": unknown seccomp profile \"strict\"")
        profile.profileType = .localhost
        profile.localhostRef = "relative.json"
        let relative = #expect(throws: CtrError.self) { try chosen(profile) }
        #expect(relative?.message == "container \"c\": seccomp profile \"relative.json\" is not an absolute path")
    }
}
