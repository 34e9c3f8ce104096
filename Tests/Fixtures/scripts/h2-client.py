#!/usr/bin/python3
"""A raw HTTP/2 client (Debian's python3-h2) for the transport's hostile-client cases.

usage: h2-client.py SOCKET MODE [ARG]; prints one JSON object with what it saw.
  bdp N            N unary Echo calls, a PING after each answer (as grpc-go's BDP estimator)
  ping-flood N     N PINGs, nothing else, reading only at the end
  pings N          N PINGs, each answered before the next
  silent           nothing at all: not even the connection preface
  trailers-inside  a request whose trailers arrive inside a message
  error-after-call a Sleep call and a connection error in the same write
"""
import json
import socket
import struct
import sys

import h2.config
import h2.connection
import h2.events
import h2.exceptions

path, mode = sys.argv[1], sys.argv[2]
argument = int(sys.argv[3]) if len(sys.argv) > 3 else 0

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(path)
sock.settimeout(10)
if mode == "silent":
    # Connects and sends nothing, not even the preface: how long until the server closes?
    import time
    started = time.monotonic()
    closed = False
    try:
        while sock.recv(65536):  # the server's own SETTINGS come first
            pass
        closed = True
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    print(json.dumps({"closed": closed, "seconds": round(time.monotonic() - started, 2)}))
    sys.exit(0)
conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
conn.initiate_connection()
sock.sendall(conn.data_to_send())
seen = {"goaway": None, "closed": False, "statuses": []}


def headers(method):
    return [(":method", "POST"), (":scheme", "http"), (":path", "/test.Transport/" + method),
            (":authority", "localhost"), ("content-type", "application/grpc"), ("te", "trailers")]


def message(payload):
    return struct.pack(">BI", 0, len(payload)) + payload


def pump(until_stream=None, until_ack=False, until_eof=False):
    """Reads events until `until_stream` has ended, a PING is answered, or the connection closed."""
    while True:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            seen["timed_out"] = True
            return
        except ConnectionResetError:
            data = b""
        if not data:
            seen["closed"] = True
            return
        try:
            events = conn.receive_data(data)
        except h2.exceptions.ProtocolError:
            events = []
            seen["closed"] = True
        done = False
        for event in events:
            if isinstance(event, h2.events.ConnectionTerminated):
                seen["goaway"] = {"code": int(event.error_code), "data": (event.additional_data or b"").decode(errors="replace")}
            elif isinstance(event, (h2.events.TrailersReceived, h2.events.ResponseReceived)):
                status = dict(event.headers).get("grpc-status")
                if status is not None:
                    seen["statuses"].append({"status": int(status), "message": dict(event.headers).get("grpc-message", "")})
                if isinstance(event, h2.events.TrailersReceived) or event.stream_ended:
                    if until_stream is not None and event.stream_id == until_stream:
                        done = True
            elif isinstance(event, h2.events.DataReceived):
                conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.PingAckReceived) and until_ack:
                done = True
        pending = conn.data_to_send()
        if pending:
            sock.sendall(pending)
        if done or (seen["goaway"] is not None and not until_eof):
            return


try:
    if mode == "bdp":
        for _ in range(argument):
            stream = conn.get_next_available_stream_id()
            conn.send_headers(stream, headers("Echo"))
            conn.send_data(stream, message(b"ping"), end_stream=True)
            sock.sendall(conn.data_to_send())
            pump(until_stream=stream)
            if seen["closed"] or seen["goaway"]:
                break
            conn.ping(b"bdp-ping")
            sock.sendall(conn.data_to_send())
    elif mode == "ping-flood":
        sent = 0
        try:
            for index in range(argument):
                conn.ping(struct.pack(">Q", index))
                sock.sendall(conn.data_to_send())
                sent += 1
        except (BrokenPipeError, ConnectionResetError, h2.exceptions.ProtocolError):
            pass
        seen["sent"] = sent
        pump()
    elif mode == "pings":
        answered = 0
        for index in range(argument):
            conn.ping(struct.pack(">Q", index))
            sock.sendall(conn.data_to_send())
            pump(until_ack=True)
            if seen["goaway"] is not None or seen["closed"]:
                break
            answered += 1
        seen["answered"] = answered
        pump(until_eof=True)
    elif mode == "trailers-inside":
        stream = conn.get_next_available_stream_id()
        conn.send_headers(stream, headers("Echo"))
        conn.send_data(stream, struct.pack(">BI", 0, 10) + b"abc")
        conn.send_headers(stream, [("x-end", "now")], end_stream=True)
        sock.sendall(conn.data_to_send())
        pump(until_stream=stream)
    elif mode == "error-after-call":
        stream = conn.get_next_available_stream_id()
        conn.send_headers(stream, headers("Sleep"))
        conn.send_data(stream, message(b"100"), end_stream=True)
        # A DATA frame on stream 0: a connection error (PROTOCOL_ERROR), in the same write.
        bad = struct.pack(">I", 4)[1:] + bytes([0x0, 0x0]) + struct.pack(">I", 0) + b"oops"
        sock.sendall(conn.data_to_send() + bad)
        pump(until_eof=True)
    elif mode == "idle":
        # A call of `argument` ms, then nothing: the server's idle limit must not count the time
        # the call was open, and must end the connection gracefully once it has passed after it.
        import time
        stream = conn.get_next_available_stream_id()
        conn.send_headers(stream, headers("Sleep"))
        conn.send_data(stream, message(str(argument).encode()), end_stream=True)
        sock.sendall(conn.data_to_send())
        pump(until_stream=stream)
        ended = time.monotonic()
        seen["goaway_during_call"] = seen["goaway"] is not None
        pump(until_eof=True)
        seen["idle_seconds"] = round(time.monotonic() - ended, 2)
except (BrokenPipeError, ConnectionResetError, h2.exceptions.ProtocolError):
    seen["closed"] = True
print(json.dumps(seen))
