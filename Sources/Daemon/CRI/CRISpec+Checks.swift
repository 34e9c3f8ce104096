import API
import Core

/// The parts of a security context checked against the host before a spec is made: sysctls and
/// AppArmor.
extension CRISpec {
    /// The IPC namespace's sysctls (with `fs.mqueue.*`), as runc knows them.
    static let ipcSysctls: Set<String> = [
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
        "kernel.shmmni", "kernel.shm_rmid_forced",
    ]

    /// A pod may set only the sysctls of namespaces it has of its own (IPC, network, UTS): any
    /// other would change the whole node. Refused here, naming the sysctl, before anything is made
    /// (runc would refuse it only when the pause container starts).
    static func checkSysctls(_ sysctls: [String: String], hostNetwork: Bool, hostIPC: Bool,
                             pod: String) throws(CtrError) {
        for name in sysctls.keys.sorted() {
            let shared: String?
            if ipcSysctls.contains(name) || name.hasPrefix("fs.mqueue.") {
                shared = hostIPC ? "IPC" : nil
            } else if name.hasPrefix("net.") {
                shared = hostNetwork ? "network" : nil
            } else if name == "kernel.domainname" {
                shared = hostNetwork ? "UTS" : nil
            } else if name == "kernel.hostname" {
                throw .invalidArgument("pod sandbox \"\(pod)\": sysctl \"kernel.hostname\": set the pod's hostname instead")
            } else {
                throw .invalidArgument(
                    "pod sandbox \"\(pod)\": sysctl \"\(name)\" is not namespaced: setting it would change the whole node")
            }
            if let shared {
                throw .invalidArgument(
                    "pod sandbox \"\(pod)\": sysctl \"\(name)\" belongs to the \(shared) namespace, which the pod shares with the host")
            }
        }
    }

    /// Whether the kernel has AppArmor enabled.
    static let appArmorEnabled = readSmallFile("/sys/module/apparmor/parameters/enabled") == "Y"

    /// The AppArmor profile a container runs under (`process.apparmorProfile`), from the
    /// `apparmor` field or the deprecated `apparmor_profile` (`runtime/default`, `unconfined`,
    /// `localhost/<name>`). Without AppArmor in the kernel, RuntimeDefault and Unconfined mean
    /// nothing and a Localhost profile is refused, as containerd does. With it, a Localhost
    /// profile (loaded by the operator) is applied; RuntimeDefault is not yet: we load no default
    /// profile of our own (see docs/security-context.md).
    static func appArmorProfile(_ security: Runtime_V1_LinuxContainerSecurityContext, container: String,
                                enabled: Bool = appArmorEnabled) throws(CtrError) -> String? {
        if security.privileged { return nil }
        var localhost: String?
        if security.hasApparmor {
            switch security.apparmor.profileType {
            case .localhost: localhost = security.apparmor.localhostRef
            case .runtimeDefault, .unconfined: break
            case .UNRECOGNIZED(let value):
                throw .invalidArgument("container \"\(container)\": unknown AppArmor profile type \(value)")
            }
        } else {
            let path = security.apparmorProfile
            switch path {
            case "", "runtime/default", "unconfined": break
            default:
                guard path.hasPrefix("localhost/") else {
                    throw .invalidArgument("container \"\(container)\": unknown AppArmor profile \"\(path)\"")
                }
                localhost = String(path.dropFirst("localhost/".count))
            }
        }
        guard let localhost else { return nil }
        guard !localhost.isEmpty else {
            throw .invalidArgument("container \"\(container)\": a Localhost AppArmor profile needs a name")
        }
        guard enabled else {
            throw .invalidArgument(
                "container \"\(container)\": AppArmor profile \"\(localhost)\" cannot be applied: AppArmor is not enabled on this host")
        }
        return localhost
    }
}
