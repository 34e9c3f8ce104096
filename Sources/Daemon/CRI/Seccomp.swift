import API
import Core
import Glibc

/// One entry of a seccomp profile's `syscalls`, in the JSON format Docker and containerd read:
/// an action for some system calls, possibly only for some capabilities, architectures or kernels.
struct SeccompRule: Sendable {
    var names: [String]
    var action: String
    var errnoRet: UInt32?
    var args: [SeccompArg]
    /// Applies only when the container holds one of these capabilities (none: always).
    var includeCaps: [String]
    /// Applies only when the container holds none of these.
    var excludeCaps: [String]
    /// Applies only on these architectures, by Go's names (`amd64`, `x32`); none: all.
    var includeArches: [String]
    var excludeArches: [String]
    /// Applies only from this kernel version on (`4.8`).
    var minKernel: String?

    init(names: [String], action: String, errnoRet: UInt32? = nil, args: [SeccompArg] = [],
         includeCaps: [String] = [], excludeCaps: [String] = [], includeArches: [String] = [],
         excludeArches: [String] = [], minKernel: String? = nil) {
        self.names = names
        self.action = action
        self.errnoRet = errnoRet
        self.args = args
        self.includeCaps = includeCaps
        self.excludeCaps = excludeCaps
        self.includeArches = includeArches
        self.excludeArches = excludeArches
        self.minKernel = minKernel
    }
}

struct SeccompArg: Sendable {
    var index: UInt
    var value: UInt64
    var valueTwo: UInt64
    var op: String
}

/// What a seccomp profile becomes for one container: its rules filtered by the container's
/// capabilities and this host's architecture and kernel, as containerd filters them.
struct SeccompProfile: Sendable {
    var defaultAction: String
    var defaultErrnoRet: UInt32?
    /// Architectures as the profile lists them; nil when it uses `archMap` (or neither).
    var architectures: [String]?
    /// `archMap`: a native architecture and its sub-architectures.
    var archMap: [(architecture: String, subArchitectures: [String])]
    var flags: [String]
    var rules: [SeccompRule]

    /// The built-in profile `RuntimeDefault` means (see `SeccompDefault`).
    static let runtimeDefault = SeccompProfile(
        defaultAction: SeccompDefault.defaultAction, defaultErrnoRet: SeccompDefault.defaultErrnoRet,
        architectures: nil,
        archMap: [("SCMP_ARCH_X86_64", ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]),
                  ("SCMP_ARCH_AARCH64", ["SCMP_ARCH_ARM"])],
        flags: [], rules: SeccompDefault.rules)

    /// The OCI spec's filter for a container holding `capabilities`.
    func spec(capabilities: [String], host: SeccompHost = .current) -> OCISpec.Seccomp {
        let held = Set(capabilities)
        var syscalls: [OCISpec.Syscall] = []
        for rule in rules {
            if !rule.includeCaps.isEmpty && held.isDisjoint(with: rule.includeCaps) { continue }
            if !rule.excludeCaps.isEmpty && !held.isDisjoint(with: rule.excludeCaps) { continue }
            if !rule.includeArches.isEmpty && !rule.includeArches.contains(host.arch) { continue }
            if rule.excludeArches.contains(host.arch) { continue }
            if let minimum = rule.minKernel, !host.kernelAtLeast(minimum) { continue }
            let args = rule.args.map { OCISpec.SyscallArg(index: $0.index, value: $0.value, valueTwo: $0.valueTwo, op: $0.op) }
            syscalls.append(OCISpec.Syscall(names: rule.names, action: rule.action, errnoRet: rule.errnoRet,
                                            args: args.isEmpty ? nil : args))
        }
        var architectures = architectures ?? []
        if let native = archMap.first(where: { $0.architecture == host.nativeArchitecture }) {
            architectures = [native.architecture] + native.subArchitectures
        }
        return OCISpec.Seccomp(defaultAction: defaultAction, defaultErrnoRet: defaultErrnoRet,
                               architectures: architectures.isEmpty ? nil : architectures,
                               flags: flags.isEmpty ? nil : flags, syscalls: syscalls)
    }

    /// Reads a profile file (JSON, the format of Docker's and containerd's profiles).
    static func load(path: String) throws(CtrError) -> SeccompProfile {
        guard let text = readTextFile(path) else {
            throw .invalidArgument("seccomp profile \"\(path)\": \(Errno.current)")
        }
        do {
            return try parse(text)
        } catch {
            throw .invalidArgument("seccomp profile \"\(path)\": \(error.message)")
        }
    }

    static func parse(_ text: String) throws(CtrError) -> SeccompProfile {
        let json = try JSONValue.parse(text)
        guard case .object = json else { throw .invalidArgument("not a JSON object") }
        guard let defaultAction = json["defaultAction"]?.stringValue, !defaultAction.isEmpty else {
            throw .invalidArgument("no defaultAction")
        }
        let architectures = try strings(json["architectures"], "architectures")
        var archMap: [(architecture: String, subArchitectures: [String])] = []
        if case .array(let entries)? = json["archMap"] {
            for entry in entries {
                guard let architecture = entry["architecture"]?.stringValue else {
                    throw .invalidArgument("an archMap entry has no architecture")
                }
                archMap.append((architecture, try strings(entry["subArchitectures"], "subArchitectures") ?? []))
            }
        }
        if architectures != nil && !archMap.isEmpty {
            throw .invalidArgument("both architectures and archMap are given; use one")
        }
        var rules: [SeccompRule] = []
        if case .array(let entries)? = json["syscalls"] {
            for (index, entry) in entries.enumerated() {
                rules.append(try rule(entry, index: index))
            }
        } else if json["syscalls"] != nil && json["syscalls"] != .null {
            throw .invalidArgument("syscalls is not a list")
        }
        return SeccompProfile(defaultAction: defaultAction, defaultErrnoRet: try number(json["defaultErrnoRet"], "defaultErrnoRet"),
                              architectures: architectures, archMap: archMap,
                              flags: try strings(json["flags"], "flags") ?? [], rules: rules)
    }

    private static func rule(_ entry: JSONValue, index: Int) throws(CtrError) -> SeccompRule {
        var names = try strings(entry["names"], "syscalls[\(index)].names") ?? []
        if let name = entry["name"]?.stringValue { names.append(name) }
        guard !names.isEmpty else { throw .invalidArgument("syscalls[\(index)] names no system call") }
        guard let action = entry["action"]?.stringValue, !action.isEmpty else {
            throw .invalidArgument("syscalls[\(index)] has no action")
        }
        var args: [SeccompArg] = []
        if case .array(let list)? = entry["args"] {
            for arg in list {
                guard let index: UInt32 = try number(arg["index"], "args.index"), let op = arg["op"]?.stringValue else {
                    throw .invalidArgument("syscalls[\(index)]: an argument needs index and op")
                }
                args.append(SeccompArg(index: UInt(index), value: try number(arg["value"], "args.value") ?? 0,
                                       valueTwo: try number(arg["valueTwo"], "args.valueTwo") ?? 0, op: op))
            }
        }
        let includes = entry["includes"]
        let excludes = entry["excludes"]
        return SeccompRule(
            names: names, action: action, errnoRet: try number(entry["errnoRet"], "errnoRet"), args: args,
            includeCaps: try strings(includes?["caps"], "includes.caps") ?? [],
            excludeCaps: try strings(excludes?["caps"], "excludes.caps") ?? [],
            includeArches: try strings(includes?["arches"], "includes.arches") ?? [],
            excludeArches: try strings(excludes?["arches"], "excludes.arches") ?? [],
            minKernel: includes?["minKernel"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 })
    }

    private static func strings(_ value: JSONValue?, _ field: String) throws(CtrError) -> [String]? {
        guard let value, value != .null else { return nil }
        guard case .array(let items) = value else { throw .invalidArgument("\(field) is not a list") }
        var result: [String] = []
        for item in items {
            guard let text = item.stringValue else { throw .invalidArgument("\(field) holds a value that is not a string") }
            result.append(text)
        }
        return result
    }

    /// A non-negative integer that fits `Number`; nil when absent.
    private static func number<Number: FixedWidthInteger & UnsignedInteger>(_ value: JSONValue?, _ field: String)
        throws(CtrError) -> Number?
    {
        switch value {
        case nil, .null?: return nil
        case .integer(let number)?: if let fitting = Number(exactly: number) { return fitting }
        case .number(let number)?: if let fitting = Number(exactly: number) { return fitting }
        default: break
        }
        throw .invalidArgument("\(field) is not a non-negative integer")
    }
}

/// This host as seccomp rules see it: its architecture and kernel version.
struct SeccompHost: Sendable {
    /// Go's name for the architecture (`amd64`, `arm64`), as profiles write it.
    var arch: String
    /// libseccomp's name for the native architecture (`SCMP_ARCH_X86_64`).
    var nativeArchitecture: String
    var kernel: [Int]

    static let current: SeccompHost = {
        var name = utsname()
        uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let machine = field(name.machine)
        let release = field(name.release)
        let (arch, native): (String, String) = switch machine {
        case "x86_64": ("amd64", "SCMP_ARCH_X86_64")
        case "aarch64": ("arm64", "SCMP_ARCH_AARCH64")
        case "s390x": ("s390x", "SCMP_ARCH_S390X")
        case "ppc64le": ("ppc64le", "SCMP_ARCH_PPC64LE")
        default: (machine, "SCMP_ARCH_" + machine.uppercased())
        }
        return SeccompHost(arch: arch, nativeArchitecture: native, kernel: versionNumbers(release))
    }()

    static func versionNumbers(_ text: String) -> [Int] {
        text.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
    }

    func kernelAtLeast(_ minimum: String) -> Bool {
        let wanted = Self.versionNumbers(minimum)
        for (have, want) in zip(kernel + [0, 0], wanted) where have != want { return have > want }
        return true
    }
}

extension CRISpec {
    /// The seccomp filter a container (or the pod's sandbox) gets, as containerd chooses it:
    /// none when privileged; else the `seccomp` field (RuntimeDefault: the built-in profile,
    /// Localhost: a profile file, Unconfined: none); else the deprecated `seccomp_profile_path`
    /// (`runtime/default`, `docker/default`, `localhost/<path>`, `unconfined`); else the CRI
    /// plugin's `unset_seccomp_profile` (empty: none).
    static func seccomp(_ profile: Runtime_V1_SecurityProfile?, path: String, privileged: Bool, unset: String,
                        capabilities: [String], object: String) throws(CtrError) -> OCISpec.Seccomp? {
        if privileged { return nil }
        let chosen: SeccompProfile?
        do throws(CtrError) {
            if let profile {
                switch profile.profileType {
                case .runtimeDefault: chosen = .runtimeDefault
                case .unconfined: chosen = nil
                case .localhost:
                    guard profile.localhostRef.hasPrefix("/") else {
                        throw CtrError.invalidArgument("seccomp profile \"\(profile.localhostRef)\" is not an absolute path")
                    }
                    chosen = try SeccompProfile.load(path: profile.localhostRef)
                case .UNRECOGNIZED(let value):
                    throw CtrError.invalidArgument("unknown seccomp profile type \(value)")
                }
            } else {
                chosen = try byPath(path.isEmpty ? unset : path)
            }
        } catch {
            throw .invalidArgument("\(object): \(error.message)")
        }
        return chosen?.spec(capabilities: capabilities)
    }

    private static func byPath(_ path: String) throws(CtrError) -> SeccompProfile? {
        switch path {
        case "", "unconfined": return nil
        case "runtime/default", "docker/default": return .runtimeDefault
        default:
            guard path.hasPrefix("localhost/") else {
                throw .invalidArgument("unknown seccomp profile \"\(path)\"")
            }
            let file = String(path.dropFirst("localhost".count))
            return try SeccompProfile.load(path: file)
        }
    }
}
