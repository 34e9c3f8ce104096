import API
import Core
@testable import Daemon
import Testing

/// How a container's capabilities are worked out from its security context.
@Suite("Capabilities")
struct CapabilitiesTests {
    /// A daemon whose bounding set lacks CAP_SYS_RESOURCE, as on this machine.
    static let daemon = LinuxCapabilities.names(inMask: 0x1ff_feff_ffff)

    func capabilities(add: [String] = [], drop: [String] = []) throws(CtrError) -> [String] {
        var requested = Runtime_V1_Capability()
        requested.addCapabilities = add
        requested.dropCapabilities = drop
        return try CRISpec.capabilities(requested, container: "c", daemon: Self.daemon)
    }

    @Test("a capability mask names the capabilities set in it, in bit order")
    func masks() {
        #expect(Self.daemon.count == 40)
        #expect(!Self.daemon.contains("CAP_SYS_RESOURCE"))
        #expect(Self.daemon.first == "CAP_CHOWN" && Self.daemon.last == "CAP_CHECKPOINT_RESTORE")
        #expect(LinuxCapabilities.names(inMask: 0b1_0000_0000_0001) == ["CAP_CHOWN", "CAP_NET_ADMIN"])
        #expect(LinuxCapabilities.mask("CapBnd", inStatus: "Name:\tx\nCapEff:\t0000000000000001\nCapBnd:\t00000000a80425fb\n")
                == 0xa804_25fb)
    }

    @Test("no request: the default set; ALL in add is the daemon's own set, not a fixed list")
    func defaultsAndAll() throws {
        #expect(try capabilities() == LinuxCapabilities.known.filter(OCISpec.defaultCapabilities.contains))
        #expect(try capabilities(add: ["ALL"]) == Self.daemon)
        #expect(try capabilities(add: ["all"], drop: ["NET_RAW"]) == Self.daemon.filter { $0 != "CAP_NET_RAW" })
    }

    @Test("drop ALL then add some; names with or without CAP_, in any case")
    func dropAllThenAdd() throws {
        #expect(try capabilities(add: ["net_admin", "CAP_CHOWN"], drop: ["ALL"]) == ["CAP_CHOWN", "CAP_NET_ADMIN"])
        #expect(try capabilities(add: ["SYS_PTRACE"], drop: ["kill"]).contains("CAP_SYS_PTRACE"))
        #expect(try !capabilities(add: ["SYS_PTRACE"], drop: ["kill"]).contains("CAP_KILL"))
    }

    @Test("an unknown capability is refused with its name and the list it was in", arguments: [
        ([String](["NOPE"]), [String](), "container \"c\": unknown capability \"NOPE\" in add_capabilities"),
        ([], ["CAP_CAP_CHOWN"], "container \"c\": unknown capability \"CAP_CAP_CHOWN\" in drop_capabilities"),
    ])
    func unknown(add: [String], drop: [String], message: String) {
        let error = #expect(throws: CtrError.self) { try capabilities(add: add, drop: drop) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.message == message)
    }

    @Test("the host's device nodes, as a privileged container gets them")
    func hostDevices() throws {
        let devices = OCISpec.hostDevices()
        let null = try #require(devices.first { $0.path == "/dev/null" })
        #expect(null.type == "c" && null.major == 1 && null.minor == 3 && null.fileMode == 0o666)
        #expect(!devices.contains { $0.path.hasPrefix("/dev/pts/") || $0.path == "/dev/console" })
        #expect(devices.map(\.path) == devices.map(\.path).sorted())
    }
}

/// Sysctls and AppArmor, checked before a spec is made.
@Suite("Sysctls and AppArmor")
struct SysctlAppArmorTests {
    @Test("a pod may set the sysctls of namespaces it has of its own", arguments: [
        ("net.ipv4.ip_forward", false, false, nil),
        ("kernel.shm_rmid_forced", false, false, nil),
        ("fs.mqueue.msg_max", false, false, nil),
        ("net.ipv4.ip_forward", true, false,
         "pod sandbox \"p\": sysctl \"net.ipv4.ip_forward\" belongs to the network namespace, which the pod shares with the host"),
        ("kernel.sem", false, true,
         "pod sandbox \"p\": sysctl \"kernel.sem\" belongs to the IPC namespace, which the pod shares with the host"),
        ("kernel.panic", false, false,
         "pod sandbox \"p\": sysctl \"kernel.panic\" is not namespaced: setting it would change the whole node"),
        ("vm.overcommit_memory", false, false,
         "pod sandbox \"p\": sysctl \"vm.overcommit_memory\" is not namespaced: setting it would change the whole node"),
    ] as [(String, Bool, Bool, String?)])
    func sysctls(name: String, hostNetwork: Bool, hostIPC: Bool, refusal: String?) {
        if let refusal {
            let error = #expect(throws: CtrError.self) {
                try CRISpec.checkSysctls([name: "1"], hostNetwork: hostNetwork, hostIPC: hostIPC, pod: "p")
            }
            #expect(error?.message == refusal)
        } else {
            #expect(throws: Never.self) {
                try CRISpec.checkSysctls([name: "1"], hostNetwork: hostNetwork, hostIPC: hostIPC, pod: "p")
            }
        }
    }

    @Test("AppArmor: without it in the kernel only a Localhost profile is refused; with it, Localhost applies")
    func appArmor() throws {
        var security = Runtime_V1_LinuxContainerSecurityContext()
        #expect(try CRISpec.appArmorProfile(security, container: "c", enabled: false) == nil)
        security.apparmorProfile = "runtime/default"
        #expect(try CRISpec.appArmorProfile(security, container: "c", enabled: false) == nil)
        security.apparmorProfile = "localhost/k8s-deny-write"
        let refused = #expect(throws: CtrError.self) { try CRISpec.appArmorProfile(security, container: "c", enabled: false) }
        #expect(refused?.message
                == "container \"c\": AppArmor profile \"k8s-deny-write\" cannot be applied: AppArmor is not enabled on this host")
        #expect(try CRISpec.appArmorProfile(security, container: "c", enabled: true) == "k8s-deny-write")
        security.apparmor.profileType = .localhost
        security.apparmor.localhostRef = "other"
        #expect(try CRISpec.appArmorProfile(security, container: "c", enabled: true) == "other")
        security.privileged = true
        #expect(try CRISpec.appArmorProfile(security, container: "c", enabled: true) == nil)
        security = Runtime_V1_LinuxContainerSecurityContext()
        security.apparmorProfile = "strict"
        let unknown = #expect(throws: CtrError.self) { try CRISpec.appArmorProfile(security, container: "c", enabled: true) }
        #expect(unknown?.message == "container \"c\": unknown AppArmor profile \"strict\"")
    }
}
