#!/usr/bin/python3
"""An independent client of a runtime's stream server (Debian's python3-websocket and raw
sockets), for checking ours and containerd's the same way. Prints `key=value` lines.

usage:
  stream-client.py ws-exec URL          WebSocket exec (v4.channel.k8s.io): channels' bytes, status
  stream-client.py ws-portforward URL PORT   WebSocket port-forward: an HTTP GET through PORT
  stream-client.py upgrade URL          a SPDY upgrade request: the HTTP status code only
  stream-client.py certificate URL      an https:// URL's server certificate: its SHA-256 and subject

https:// URLs are reached over TLS without verifying the certificate, as crictl and kubectl's
runtime clients do with a runtime's self-signed stream server certificate.
"""
import hashlib, json, socket, ssl, sys, urllib.parse

mode, url = sys.argv[1], sys.argv[2]


def report(key, value):
    print(f"{key}={value}", flush=True)


if mode == "certificate":
    parts = urllib.parse.urlsplit(url)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=parts.hostname) as tls:
            der = tls.getpeercert(binary_form=True)
            report("version", tls.version())
    report("sha256", hashlib.sha256(der).hexdigest())
    sys.exit(0)

if mode == "upgrade":
    parts = urllib.parse.urlsplit(url)
    connection = socket.create_connection((parts.hostname, parts.port), timeout=10)
    connection.sendall((f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: Upgrade\r\n"
                        "Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
                        "Content-Length: 0\r\n\r\n").encode())
    head = connection.recv(4096).decode(errors="replace")
    report("status", head.split(" ")[1] if " " in head else "none")
    connection.close()
    sys.exit(0)

import websocket  # noqa: E402 (only the WebSocket modes need it)

secure = url.startswith("https://")
ws_url = ("wss://" + url[len("https://"):]) if secure else ("ws://" + url[len("http://"):])
options = {"sslopt": {"cert_reqs": ssl.CERT_NONE, "check_hostname": False}} if secure else {}
if mode == "ws-exec":
    ws = websocket.create_connection(ws_url, subprotocols=["v4.channel.k8s.io"], timeout=20, **options)
    report("protocol", ws.getsubprotocol())
    channels = {}
    while True:
        try:
            opcode, data = ws.recv_data()
        except websocket.WebSocketConnectionClosedException:
            break
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            break
        if data:
            channels[data[0]] = channels.get(data[0], b"") + data[1:]
    report("stdout", channels.get(1, b"").decode().strip())
    report("stderr", channels.get(2, b"").decode().strip())
    status = json.loads(channels.get(3, b"{}") or b"{}")
    causes = status.get("details", {}).get("causes", [])
    report("status", status.get("status"))
    report("exit", ",".join(c.get("message", "") for c in causes if c.get("reason") == "ExitCode") or "0")
elif mode == "ws-portforward":
    port = int(sys.argv[3])
    ws = websocket.create_connection(ws_url + "?port=" + str(port), subprotocols=["v4.channel.k8s.io"], timeout=20,
                                     **options)
    report("protocol", ws.getsubprotocol())
    # Each channel of the port first says which port it serves (little-endian).
    first = {}
    while len(first) < 2:
        opcode, data = ws.recv_data()
        first[data[0]] = int.from_bytes(data[1:3], "little")
    report("ports", f"{first.get(0)},{first.get(1)}")
    ws.send_binary(b"\x00" + b"GET / HTTP/1.0\r\nHost: pod\r\n\r\n")
    body = b""
    while True:
        try:
            opcode, data = ws.recv_data()
        except (websocket.WebSocketConnectionClosedException, websocket.WebSocketTimeoutException):
            break
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            break
        if data and data[0] == 0:
            body += data[1:]
            if b"\r\n\r\n" in body and body.rstrip().endswith(b"pod"):
                break
    report("body", body.split(b"\r\n\r\n", 1)[-1].decode().strip())
    ws.close()
