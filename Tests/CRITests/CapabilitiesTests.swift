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
