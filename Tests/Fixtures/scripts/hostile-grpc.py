#!/usr/bin/python3
"""Hostile gRPC clients (Debian's python3-h2 and raw frames) against a daemon's socket, each case
beside a well-behaved bystander on a connection of its own that calls containerd's Version
service every 20 ms. Prints one JSON object: what the hostile client saw, and the bystander's
calls, failures and slowest answer. The same cases run against ctr and containerd.

usage: hostile-grpc.py SOCKET CASE
"""
import json
import os
import resource
import socket
import struct
import sys
import threading
import time

import h2.config
import h2.connection
import h2.events
import h2.exceptions
import h2.settings

path, case = sys.argv[1], sys.argv[2]
VERSION = "/containerd.services.version.v1.Version/Version"
PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def connect():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(path)
    return sock


def client():
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8",
                                                                       validate_outbound_headers=False,
                                                                       normalize_outbound_headers=False))
    conn.initiate_connection()
    return conn


def headers(method=VERSION):
    return [(":method", "POST"), (":scheme", "http"), (":path", method), (":authority", "localhost"),
            ("content-type", "application/grpc"), ("te", "trailers")]


def message(payload=b""):
    return struct.pack(">BI", 0, len(payload)) + payload


class Bystander(threading.Thread):
    """Calls Version every 20 ms on its own connection until stopped."""

    def __init__(self):
        super().__init__(daemon=True)
        self.calls, self.failures, self.slowest, self.errors = 0, 0, 0.0, []
        self.stopping = threading.Event()

    def run(self):
        sock, conn = None, None
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                if sock is None:
                    sock, conn = connect(), client()
                    sock.sendall(conn.data_to_send())
                stream = conn.get_next_available_stream_id()
                conn.send_headers(stream, headers())
                conn.send_data(stream, message(), end_stream=True)
                sock.sendall(conn.data_to_send())
                status = None
                while status is None:
                    data = sock.recv(65536)
                    if not data:
                        raise ConnectionError("closed")
                    for event in conn.receive_data(data):
                        if isinstance(event, h2.events.TrailersReceived) and event.stream_id == stream:
                            status = dict(event.headers).get("grpc-status")
                        elif isinstance(event, h2.events.DataReceived):
                            conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                        elif isinstance(event, h2.events.ConnectionTerminated):
                            raise ConnectionError("goaway")
                    pending = conn.data_to_send()
                    if pending:
                        sock.sendall(pending)
                if status != "0":
                    raise RuntimeError("status " + str(status))
                self.calls += 1
            except Exception as error:  # a failure of the bystander is what the case measures
                self.failures += 1
                self.errors.append(str(error)[:80])
                if sock is not None:
                    sock.close()
                sock = None
            self.slowest = max(self.slowest, time.monotonic() - started)
            time.sleep(0.02)
        if sock is not None:
            sock.close()


def read_until_closed(sock, conn=None, seconds=10):
    """Reads until the server closes the connection or `seconds` pass; what it said."""
    seen = {"closed": False, "goaway": None, "bytes": 0}
    deadline = time.monotonic() + seconds
    sock.settimeout(0.5)
    while time.monotonic() < deadline:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            data = b""
        if not data:
            seen["closed"] = True
            break
        seen["bytes"] += len(data)
        if conn is not None:
            try:
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.ConnectionTerminated):
                        seen["goaway"] = int(event.error_code)
            except h2.exceptions.ProtocolError:
                pass
        else:
            # Raw: find a GOAWAY frame (type 7) at the start of a chunk.
            if len(data) >= 17 and data[3] == 7 and seen["goaway"] is None:
                seen["goaway"] = struct.unpack(">I", data[13:17])[0]
    return seen


def raw_connection():
    sock = connect()
    sock.sendall(PREFACE + frame(4, 0, 0))  # preface, empty SETTINGS
    return sock


def case_malformed_frames():
    outcomes = {}
    # Garbage instead of a preface.
    sock = connect()
    sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + os.urandom(4096))
    outcomes["garbage"] = read_until_closed(sock, seconds=5)["closed"]
    sock.close()
    # A frame longer than the maximum frame size.
    sock = raw_connection()
    sock.sendall(frame(0, 0, 1, b"x" * 20000))
    outcomes["oversized frame"] = read_until_closed(sock, seconds=5)["closed"]
    sock.close()
    # HEADERS on stream 0, and a SETTINGS frame of a wrong length.
    for label, bad in [("headers on stream 0", frame(1, 4, 0, b"\x82")), ("bad settings", frame(4, 0, 0, b"\x00\x01\x00"))]:
        sock = raw_connection()
        sock.sendall(bad)
        outcomes[label] = read_until_closed(sock, seconds=5)["closed"]
        sock.close()
    # An unknown frame type is ignored: the connection keeps working.
    sock = raw_connection()
    sock.sendall(frame(0xEE, 0, 0, b"ignored"))
    sock.sendall(frame(6, 0, 0, b"12345678"))  # PING
    seen = read_until_closed(sock, seconds=1)
    outcomes["unknown type ignored"] = not seen["closed"] and seen["bytes"] > 0
    sock.close()
    return {"closed": outcomes}


def case_bad_headers():
    results = []
    for label, block in [("no :path", [h for h in headers() if h[0] != ":path"]),
                         ("uppercase name", headers() + [("X-Upper", "1")]),
                         ("pseudo after regular", [("content-type", "application/grpc")] + headers()),
                         ("unknown method", [(k, v if k != ":path" else "/no.Such/Method") for k, v in headers()])]:
        sock, conn = connect(), client()
        sock.sendall(conn.data_to_send())
        stream = conn.get_next_available_stream_id()
        conn.send_headers(stream, block)
        conn.send_data(stream, message(), end_stream=True)
        sock.sendall(conn.data_to_send())
        outcome = "no answer"
        sock.settimeout(3)
        try:
            while outcome == "no answer":
                data = sock.recv(65536)
                if not data:
                    outcome = "closed"
                    break
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.StreamReset):
                        outcome = "reset"
                    elif isinstance(event, (h2.events.ResponseReceived, h2.events.TrailersReceived)):
                        found = dict(event.headers)
                        if "grpc-status" in found:
                            outcome = "grpc-status " + found["grpc-status"]
                        elif found.get(":status", "200") != "200":
                            outcome = "http " + found[":status"]
                    elif isinstance(event, h2.events.ConnectionTerminated):
                        outcome = "goaway"
        except (socket.timeout, h2.exceptions.ProtocolError, ConnectionResetError):
            pass
        results.append(f"{label}: {outcome}")
        sock.close()
    return {"answers": results}


def call_raw(sock, conn, body, end=True, method=VERSION):
    stream = conn.get_next_available_stream_id()
    conn.send_headers(stream, headers(method))
    conn.send_data(stream, body, end_stream=end)
    sock.sendall(conn.data_to_send())
    sock.settimeout(5)
    while True:
        data = sock.recv(65536)
        if not data:
            return "closed"
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.StreamReset) and event.stream_id == stream:
                return "reset"
            if isinstance(event, (h2.events.ResponseReceived, h2.events.TrailersReceived)) and event.stream_id == stream:
                status = dict(event.headers).get("grpc-status")
                if status is not None:
                    return "grpc-status " + status
        pending = conn.data_to_send()
        if pending:
            sock.sendall(pending)


def case_oversized_truncated():
    sock, conn = connect(), client()
    sock.sendall(conn.data_to_send())
    # A message that says it is 1 GiB long, with a few bytes of it.
    oversized = call_raw(sock, conn, struct.pack(">BI", 0, 1 << 30) + b"abc")
    # A message that ends before its length.
    truncated = call_raw(sock, conn, struct.pack(">BI", 0, 1000) + b"0123456789")
    # A compressed message without a grpc-encoding.
    compressed = call_raw(sock, conn, struct.pack(">BI", 1, 3) + b"abc")
    sock.close()
    return {"oversized": oversized, "truncated": truncated, "compressed flag": compressed}


def case_hpack_bomb():
    # One 4 KiB header value in the dynamic table, then a header block that refers to it
    # 20,000 times (80 MB of headers decoded from 20 KB).
    sock = raw_connection()
    value = b"v" * 4000
    # A literal with incremental indexing: name "x-bomb", value 4000 bytes (7-bit prefix integer).
    literal = b"\x40" + bytes([6]) + b"x-bomb" + bytes([0x7f]) + encode_int(4000 - 127) + value
    base = b"\x83\x86\x84"  # :method POST, :scheme http, :path / (static table)
    block = base + literal + b"\xbe" * 20000  # index 62: the newest dynamic entry
    sent = 0
    try:
        sock.sendall(frame(1, 0x5, 1, block[:16384]))
        sent = 1
    except (BrokenPipeError, ConnectionResetError):
        pass
    seen = read_until_closed(sock, seconds=5)
    sock.close()
    return {"sent": sent, "closed": seen["closed"], "goaway": seen["goaway"]}


def encode_int(value):
    out = b""
    while value >= 128:
        out += bytes([(value & 0x7f) | 0x80])
        value >>= 7
    return out + bytes([value])


def case_continuation_flood():
    sock = raw_connection()
    sent = 0
    try:
        sock.sendall(frame(1, 0x0, 1, b"\x83\x86"))  # HEADERS without END_HEADERS
        chunk = frame(9, 0, 1, b"\x40\x01a\x01b" * 1000)  # CONTINUATION, no END_HEADERS
        for _ in range(20000):
            sock.sendall(chunk)
            sent += 1
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    seen = read_until_closed(sock, seconds=5)
    sock.close()
    return {"continuations sent": sent, "closed": seen["closed"]}


def case_stream_flood():
    sock, conn = connect(), client()
    sock.sendall(conn.data_to_send())
    opened = 0
    for _ in range(3000):
        stream = conn.get_next_available_stream_id()
        try:
            conn.send_headers(stream, headers())  # never ended: each stays open
        except h2.exceptions.TooManyStreamsError:
            break
        opened += 1
    refused, closed = 0, False
    try:
        sock.sendall(conn.data_to_send())
        sock.settimeout(2)
        while True:
            data = sock.recv(65536)
            if not data:
                closed = True
                break
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.StreamReset):
                    refused += 1
    except (socket.timeout, h2.exceptions.ProtocolError):
        pass
    except (ConnectionResetError, BrokenPipeError):
        closed = True
    sock.close()
    # Streams beyond the server's limit are refused one by one, or the connection is closed.
    return {"opened": opened, "refused": refused, "closed": closed,
            "max concurrent": conn.remote_settings.max_concurrent_streams}


def case_rapid_reset():
    sock = raw_connection()
    encoder_block = b"\x83\x86" + b"\x44" + bytes([len(VERSION)]) + VERSION.encode() + b"\x41\x09localhost"
    resets = 0
    started = time.monotonic()
    try:
        batch = b""
        for stream in range(1, 2 * 30000, 2):
            batch += frame(1, 0x4, stream, encoder_block) + frame(3, 0, stream, struct.pack(">I", 8))
            resets += 1
            if len(batch) > 65536:
                sock.sendall(batch)
                batch = b""
        sock.sendall(batch)
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    seen = read_until_closed(sock, seconds=3)
    sock.close()
    return {"resets": resets, "seconds": round(time.monotonic() - started, 2), "closed": seen["closed"]}


def case_ping_flood(reading):
    sock = raw_connection()
    sent = 0
    try:
        for index in range(100000):
            sock.sendall(frame(6, 0, 0, struct.pack(">Q", index)))
            sent += 1
            if reading and index % 100 == 0:
                sock.settimeout(0)
                try:
                    while sock.recv(65536):
                        pass
                except (BlockingIOError, socket.timeout):
                    pass
                sock.settimeout(10)
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    seen = read_until_closed(sock, seconds=5) if reading else {"closed": None, "goaway": None}
    sock.close()
    return {"pings sent": sent, "closed": seen["closed"], "goaway": seen["goaway"]}


def case_settings_flood():
    sock = raw_connection()
    sock.settimeout(3)  # without reading, the flood is soon held up by the server's backpressure
    sent = 0
    try:
        for _ in range(50000):
            sock.sendall(frame(4, 0, 0, struct.pack(">HI", 3, 100)))
            sent += 1
    except (BrokenPipeError, ConnectionResetError, socket.timeout):
        pass
    seen = read_until_closed(sock, seconds=5)
    sock.close()
    return {"settings sent": sent, "closed": seen["closed"], "goaway": seen["goaway"]}


def case_window_update():
    outcomes = {}
    for label, payload in [("overflow", struct.pack(">I", 0x7fffffff)), ("zero increment", struct.pack(">I", 0))]:
        sock = raw_connection()
        sock.sendall(frame(8, 0, 0, payload) + frame(8, 0, 0, payload))
        seen = read_until_closed(sock, seconds=5)
        outcomes[label] = {"closed": seen["closed"], "goaway": seen["goaway"]}
        sock.close()
    return outcomes


def case_never_reads():
    # 2,000 calls whose answers are never read, on a socket with a small receive buffer.
    sock = connect()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    conn = client()
    conn.update_settings({h2.settings.SettingCodes.INITIAL_WINDOW_SIZE: 2**31 - 1})
    sock.sendall(conn.data_to_send())
    sent = 0
    try:
        sock.settimeout(5)
        for _ in range(2000):
            stream = conn.get_next_available_stream_id()
            conn.send_headers(stream, headers())
            conn.send_data(stream, message(), end_stream=True)
            sock.sendall(conn.data_to_send())
            sent += 1
    except (socket.timeout, BrokenPipeError, ConnectionResetError, h2.exceptions.TooManyStreamsError):
        pass
    time.sleep(2)
    sock.close()
    return {"calls sent": sent}


def case_slowloris():
    socks = []
    for _ in range(300):
        try:
            sock = connect()
            sock.sendall(PREFACE[:5])  # the start of a preface, then nothing
            socks.append(sock)
        except OSError:
            break
    time.sleep(3)
    for sock in socks:
        sock.close()
    return {"connections": len(socks)}


def case_idle_connections(count):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    socks = []
    failed = None
    deadline = time.monotonic() + 60
    for _ in range(count):
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.setblocking(False)
            while True:
                try:
                    sock.connect(path)
                    break
                except BlockingIOError:  # the backlog is full: the server accepts in its own time
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.005)
            sock.setblocking(True)
            sock.sendall(PREFACE + frame(4, 0, 0))
            socks.append(sock)
        except OSError as error:
            failed = str(error)
            break
    time.sleep(3)
    for sock in socks:
        sock.close()
    return {"connections": len(socks), "failed": failed}


def case_connection_burst():
    threads, refused = [], [0]
    lock = threading.Lock()

    def burst():
        held = []
        for _ in range(300):
            try:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.setblocking(False)
                sock.connect(path)
                held.append(sock)
            except (BlockingIOError, ConnectionRefusedError):
                with lock:
                    refused[0] += 1
                sock.close()
            except OSError:
                sock.close()
        time.sleep(1)
        for sock in held:
            sock.close()

    for _ in range(10):
        thread = threading.Thread(target=burst)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return {"connects": 3000, "refused": refused[0]}


CASES = {
    "malformed-frames": case_malformed_frames,
    "bad-headers": case_bad_headers,
    "oversized-truncated": case_oversized_truncated,
    "hpack-bomb": case_hpack_bomb,
    "continuation-flood": case_continuation_flood,
    "stream-flood": case_stream_flood,
    "rapid-reset": case_rapid_reset,
    "ping-flood-reading": lambda: case_ping_flood(True),
    "ping-flood-not-reading": lambda: case_ping_flood(False),
    "settings-flood": case_settings_flood,
    "window-update": case_window_update,
    "never-reads": case_never_reads,
    "slowloris": case_slowloris,
    "idle-connections": lambda: case_idle_connections(10000),
    "connection-burst": case_connection_burst,
}

if __name__ == "__main__":
    bystander = Bystander()
    bystander.start()
    time.sleep(0.2)
    started = time.monotonic()
    try:
        result = CASES[case]()
    except Exception as error:  # reported, not raised: the bystander's numbers still count
        result = {"client error": repr(error)[:200]}
    elapsed = time.monotonic() - started
    time.sleep(0.5)
    bystander.stopping.set()
    bystander.join()
    print(json.dumps({"case": case, "result": result, "seconds": round(elapsed, 2),
                      "bystander": {"calls": bystander.calls, "failures": bystander.failures,
                                    "slowest_ms": round(bystander.slowest * 1000, 1),
                                    "errors": bystander.errors[:3]}}))
