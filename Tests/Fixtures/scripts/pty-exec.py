#!/usr/bin/python3
"""Drives `ctr cri exec -i -t` (or attach) in a pseudo-terminal as a person would: reads the
shell's prompt, asks for the terminal size, resizes the terminal, types, and exits with a code.
Prints what it saw as `key=value` lines; the Swift test judges them.

usage: pty-exec.py CTR ENDPOINT CONTAINER [extra ctr arguments...]"""
import fcntl, os, re, select, struct, subprocess, sys, termios, time

ctr, endpoint, container = sys.argv[1:4]
extra = sys.argv[4:]
master, slave = os.openpty()


def set_size(rows, cols):
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def controlling_terminal():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


set_size(24, 80)
before = termios.tcgetattr(slave)
env = dict(os.environ, CONTAINER_RUNTIME_ENDPOINT="unix://" + endpoint)
process = subprocess.Popen([ctr, "cri", "exec", "-i", "-t"] + extra + [container, "sh"], stdin=slave, stdout=slave,
                           stderr=slave, env=env, preexec_fn=controlling_terminal, close_fds=True)
seen = b""


def read_until(pattern, timeout=20):
    global seen
    deadline = time.time() + timeout
    while time.time() < deadline:
        match = re.search(pattern, seen)
        if match:
            seen = seen[match.end():]
            return match
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                seen += os.read(master, 65536)
            except OSError:
                break
    return None


def report(key, value):
    print(f"{key}={value}", flush=True)


prompt = read_until(rb"[#$] ")
report("prompt", prompt is not None)
os.write(master, b"busybox stty size\r")
match = read_until(rb"(\d+) (\d+)\r?\n")
report("size", match.group(1).decode() + "x" + match.group(2).decode() if match else "none")
read_until(rb"[#$] ")
set_size(40, 120)
time.sleep(1.0)
os.write(master, b"busybox stty size\r")
match = read_until(rb"(\d+) (\d+)\r?\n")
report("resized", match.group(1).decode() + "x" + match.group(2).decode() if match else "none")
read_until(rb"[#$] ")
os.write(master, b"echo typed-$((6*7))\r")
match = read_until(rb"typed-(\d+)")
report("typed", match.group(1).decode() if match else "none")
read_until(rb"[#$] ")
os.write(master, b"exit 7\r")
try:
    code = process.wait(timeout=20)
except subprocess.TimeoutExpired:
    process.kill()
    code = "timeout"
report("exit", code)
after = termios.tcgetattr(slave)
report("restored", before == after)
