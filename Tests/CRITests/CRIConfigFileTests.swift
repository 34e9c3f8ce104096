import API
@testable import Commands
import Core
@testable import CRIClient
import Testing

@Suite("CRI config files")
struct CRIConfigFileTests {
    static let podJSONSnake = """
        {
          "metadata": {"name": "nginx-sandbox", "namespace": "default", "attempt": 1, "uid": "hdishd83djaidwnduwk28bcsb"},
          "log_directory": "/tmp",
          "port_mappings": [{"container_port": 80, "host_port": 8080, "protocol": 0}],
          "dns_config": {"servers": ["8.8.8.8"]},
          "labels": {"app": "web"},
          "linux": {"security_context": {"namespace_options": {"network": 2}}},
          "some_future_field": true
        }
        """

    static let podJSONCamel = """
        {
          "metadata": {"name": "nginx-sandbox", "namespace": "default", "attempt": 1, "uid": "hdishd83djaidwnduwk28bcsb"},
          "logDirectory": "/tmp",
          "portMappings": [{"containerPort": 80, "hostPort": 8080}],
          "dnsConfig": {"servers": ["8.8.8.8"]},
          "labels": {"app": "web"},
          "linux": {"securityContext": {"namespaceOptions": {"network": "NODE"}}}
        }
        """

    static let podYAMLSnake = """
        # a pod, as crictl's docs write it
        metadata:
          name: nginx-sandbox
          namespace: default
          attempt: 1
          uid: hdishd83djaidwnduwk28bcsb   # trailing comment
        log_directory: /tmp
        port_mappings:
        - container_port: 80
          host_port: 8080
        dns_config:
          servers: [8.8.8.8]
        labels: {app: web}
        linux:
          security_context:
            namespace_options:
              network: 2
        """

    static let podYAMLCamel = """
        ---
        metadata: {name: nginx-sandbox, namespace: default, attempt: 1, uid: "hdishd83djaidwnduwk28bcsb"}
        logDirectory: '/tmp'
        portMappings:
          - containerPort: 80
            hostPort: 8080
        dnsConfig:
          servers:
            - "8.8.8.8"
        labels:
          app: web
        linux:
          securityContext:
            namespaceOptions:
              network: NODE
        """

    @Test("pod configs in JSON and YAML, with proto and JSON names, decode alike",
          arguments: [podJSONSnake, podJSONCamel, podYAMLSnake, podYAMLCamel])
    func podConfig(text: String) throws {
        let config = try CRIConfigFile.podSandboxConfig(text: text, source: "pod.conf")
        #expect(config.metadata.name == "nginx-sandbox")
        #expect(config.metadata.namespace == "default")
        #expect(config.metadata.uid == "hdishd83djaidwnduwk28bcsb")
        #expect(config.metadata.attempt == 1)
        #expect(config.logDirectory == "/tmp")
        #expect(config.portMappings.count == 1)
        #expect(config.portMappings.first?.containerPort == 80)
        #expect(config.portMappings.first?.hostPort == 8080)
        #expect(config.dnsConfig.servers == ["8.8.8.8"])
        #expect(config.labels == ["app": "web"])
        #expect(config.linux.securityContext.namespaceOptions.network == .node)
    }

    @Test("container configs: command, args, envs, mounts, block scalars and typed scalars")
    func containerConfig() throws {
        let yaml = """
            metadata:
              name: busybox
            image:
              image: busybox:latest
            command:
            - sh
            - -c
            - |
              echo hello
              echo "bye" # not a comment
            args: [1, true, "x y"]
            envs:
            - key: PORT
              value: 8080
            - {key: DEBUG, value: true}
            labels:
              version: 1.10
              enabled: yes
            log_path: busybox.0.log
            tty: false
            stdin: true
            linux:
              resources:
                memory_limit_in_bytes: 0x100000
                cpu_shares: 512
              security_context:
                run_as_user: {value: 1000}
                privileged: true
            """
        let config = try CRIConfigFile.containerConfig(text: yaml, source: "container.yaml")
        #expect(config.metadata.name == "busybox")
        #expect(config.image.image == "busybox:latest")
        #expect(config.command == ["sh", "-c", "echo hello\necho \"bye\" # not a comment\n"])
        #expect(config.args == ["1", "true", "x y"])
        #expect(config.envs.map(\.key) == ["PORT", "DEBUG"])
        #expect(config.envs.map(\.value) == ["8080", "true"])
        #expect(config.labels == ["version": "1.10", "enabled": "yes"])
        #expect(config.logPath == "busybox.0.log")
        #expect(!config.tty && config.stdin)
        #expect(config.linux.resources.memoryLimitInBytes == 0x100000)
        #expect(config.linux.resources.cpuShares == 512)
        #expect(config.linux.securityContext.runAsUser.value == 1000)
        #expect(config.linux.securityContext.privileged)
    }

    @Test("a JSON container config as crictl's docs give it")
    func containerJSON() throws {
        let json = """
            {"metadata": {"name": "busybox"}, "image": {"image": "busybox"}, "command": ["top"],
             "log_path": "busybox.log", "linux": {}}
            """
        let config = try CRIConfigFile.containerConfig(text: json, source: "c.json")
        #expect(config.command == ["top"])
        #expect(config.logPath == "busybox.log")
    }

    @Test("bad files give errors naming the file", arguments: [
        ("{\"metadata\": {\"name\": 3", "truncated JSON"),
        ("{\"metadata\": {\"attempt\": \"many\"}}", "bad number"),
        ("metadata:\n  name: x\n   uid: y\n", "bad indentation"),
        ("metadata: &anchor\n  name: x\n", "anchor"),
        ("metadata:\n  name: \"unterminated\n", "unterminated string"),
        ("- a\n- b\n", "not a mapping"),
        ("metadata:\n  name: a\n  name: b\n", "duplicate key"),
    ])
    func badConfig(text: String, why: String) {
        do {
            _ = try CRIConfigFile.podSandboxConfig(text: text, source: "/tmp/broken-pod.yaml")
            Issue.record("\(why): decoded")
        } catch {
            #expect(error.code == .invalidArgument, "\(why)")
            #expect(error.message.contains("\"/tmp/broken-pod.yaml\""), "\(why): \(error.message)")
            #expect(error.message.contains("pod sandbox config"), "\(why): \(error.message)")
        }
    }

    @Test("a missing file is named in the error")
    func missingFile() {
        do {
            _ = try CRIConfigFile.containerConfig(path: "/nonexistent/ctr-cri-test.yaml")
            Issue.record("decoded a missing file")
        } catch {
            #expect(error.message.contains("/nonexistent/ctr-cri-test.yaml"))
        }
    }

    @Test("CRI log lines: partial lines join per stream")
    func logAssembly() throws {
        var assembler = CRILogAssembler()
        let lines = [
            "2026-01-02T03:04:05.000000001Z stdout P hel",
            "2026-01-02T03:04:05.000000002Z stderr F oops",
            "2026-01-02T03:04:05.000000003Z stdout F lo",
            "2026-01-02T03:04:06Z stdout F ",
            "2026-01-02T03:04:07Z stdout P tail",
        ]
        let messages = lines.compactMap { assembler.add($0[...]) }
        #expect(messages.map(\.content) == ["oops", "hello", ""])
        #expect(messages.map(\.stream) == [.stderr, .stdout, .stdout])
        #expect(messages[1].timestamp == "2026-01-02T03:04:05.000000001Z")
        let rest = assembler.flush()
        #expect(rest.map(\.content) == ["tail"])
        #expect(rest.first?.complete == false)
    }

    @Test("crictl's table formats")
    func formats() {
        #expect(CRIFormat.size(4_270_000) == "4.27MB")
        #expect(CRIFormat.size(742_000) == "742kB")
        #expect(CRIFormat.size(123) == "123B")
        #expect(CRIFormat.size(1_060) == "1.06kB")
        #expect(CRIFormat.humanDuration(0.5) == "Less than a second")
        #expect(CRIFormat.humanDuration(90) == "About a minute")
        #expect(CRIFormat.humanDuration(150) == "2 minutes")
        #expect(CRIFormat.humanDuration(3 * 86400) == "3 days")
        #expect(CRIFormat.id(String(repeating: "a", count: 64), noTrunc: false).count == 13)
        #expect(CRIFormat.imageID("sha256:" + String(repeating: "b", count: 64), noTrunc: false) == String(repeating: "b", count: 13))
        #expect(CRIImages.split("localhost:5000/app", separator: ":") == ("localhost:5000/app", "<none>"))
        #expect(CRIImages.split("docker.io/library/busybox:1.36", separator: ":") == ("docker.io/library/busybox", "1.36"))
    }

    @Test("protobuf JSON output gains crictl's default fields")
    func jsonDefaults() {
        let pod = Runtime_V1_PodSandbox.with {
            $0.id = "abc"
            $0.metadata.name = "p"
        }
        let document = CRIFormat.json(Runtime_V1_ListPodSandboxResponse.with { $0.items = [pod] },
                                      template: .object([("items", .array([CRIFormat.podTemplate]))]))
        guard case .array(let items)? = document["items"] else {
            Issue.record("no items")
            return
        }
        #expect(items.first?["state"] == .string("SANDBOX_READY"))
        #expect(items.first?["metadata"]?["attempt"] == .integer(0))
        #expect(items.first?["metadata"]?["name"] == .string("p"))
    }
}
