import API
import Core
import Glibc

/// A container's bind mounts' propagation and the devices it asks for, checked against the host
/// as containerd checks them.
extension CRISpec {
    /// The mount of `/proc/self/mountinfo` that holds `path` (the longest mount point that is a
    /// prefix of it): its mount point and optional fields (`shared:N`, `master:N`).
    static func mountHolding(_ path: String, mountinfo: String) -> (point: String, optional: [String])? {
        var best: (point: String, optional: [String])?
        for line in mountinfo.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count > 6, let separator = fields.firstIndex(of: "-"), separator >= 6 else { continue }
            let point = unescapeMountPath(fields[4])
            let inside = point == "/" || path == point || path.hasPrefix(point + "/")
            if inside && point.count >= (best?.point.count ?? -1) {
                best = (point, Array(fields[6..<separator]))
            }
        }
        return best
    }

    /// mountinfo writes space, tab, newline and backslash as octal escapes.
    static func unescapeMountPath(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count,
               let value = UInt8(String(decoding: utf8[(index + 1)...(index + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The propagation option of a CRI mount, after the host-side checks: Bidirectional needs a
    /// privileged container and a source on a shared mount, HostToContainer a source on a shared
    /// or slave mount (otherwise nothing would propagate, silently).
    static func propagation(_ mount: Runtime_V1_Mount, privileged: Bool, container: String,
                            mountinfo: @autoclosure () -> String) throws(CtrError) -> String {
        let wanted: (option: String, needs: [String], kind: String)
        switch mount.propagation {
        case .propagationBidirectional:
            guard privileged else {
                throw .invalidArgument(
                    "container \"\(container)\": mount \"\(mount.containerPath)\": Bidirectional propagation needs a privileged container")
            }
            wanted = ("rshared", ["shared:"], "a shared")
        case .propagationHostToContainer:
            wanted = ("rslave", ["shared:", "master:"], "a shared or slave")
        default:
            return "rprivate"
        }
        guard let holder = mountHolding(mount.hostPath, mountinfo: mountinfo()) else {
            throw .invalidArgument("container \"\(container)\": mount source \"\(mount.hostPath)\": no mount holds it")
        }
        guard holder.optional.contains(where: { field in wanted.needs.contains { field.hasPrefix($0) } }) else {
            throw .invalidArgument("container \"\(container)\": mount source \"\(mount.hostPath)\" is on \"\(holder.point)\", "
                                   + "which is not \(wanted.kind) mount")
        }
        return wanted.option
    }

    /// The devices a container asks for: each host device node (or every node below a host
    /// directory) made at its container path, and allowed with the given permissions.
    static func requestedDevices(_ devices: [Runtime_V1_Device], container: String) throws(CtrError)
        -> (nodes: [OCISpec.Device], rules: [OCISpec.DeviceRule])
    {
        var nodes: [OCISpec.Device] = []
        var rules: [OCISpec.DeviceRule] = []
        for device in devices {
            let permissions = device.permissions.isEmpty ? "rwm" : device.permissions
            guard !permissions.isEmpty, permissions.allSatisfy({ "rwm".contains($0) }) else {
                throw .invalidArgument("container \"\(container)\": device \"\(device.hostPath)\": permissions \"\(permissions)\" are not a subset of rwm")
            }
            var info = stat()
            guard stat(device.hostPath, &info) == 0 else {
                throw .invalidArgument("container \"\(container)\": device \"\(device.hostPath)\": \(Errno.current)")
            }
            let found: [OCISpec.Device]
            if info.st_mode & S_IFMT == S_IFDIR {
                found = OCISpec.hostDevices(root: device.hostPath).map { node in
                    var node = node
                    node.path = device.containerPath + node.path.dropFirst(device.hostPath.count)
                    return node
                }
            } else {
                guard let node = OCISpec.hostDevice(at: device.hostPath) else {
                    throw .invalidArgument("container \"\(container)\": \"\(device.hostPath)\" is not a device")
                }
                var named = node
                named.path = device.containerPath.isEmpty ? device.hostPath : device.containerPath
                found = [named]
            }
            for node in found {
                nodes.append(node)
                rules.append(OCISpec.DeviceRule(allow: true, type: node.type, major: node.major, minor: node.minor,
                                                access: permissions))
            }
        }
        return (nodes, rules)
    }
}
