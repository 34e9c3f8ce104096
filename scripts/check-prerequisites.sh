#!/usr/bin/env bash
# Refuses to run the suite without what its end-to-end tests need, naming each missing piece:
# a test gated on a missing tool would otherwise skip, and the run would pass without testing it.
# scripts/test.sh calls this after installing; the suite's own prerequisites test says the same.
set -uo pipefail
cd "$(dirname "$0")/.."
missing=()
[ "$(id -u)" -eq 0 ] || missing+=("root (running as uid $(id -u))")
need() { # NAME PATH...
    local name=$1 path
    shift
    for path in "$@"; do
        if [ ! -x "$path" ]; then missing+=("$name ($path)"); return; fi
    done
}
need "Debian's containerd and its ctr" /usr/bin/containerd /usr/bin/ctr /usr/bin/containerd-shim-runc-v2
need runc /usr/sbin/runc
need "CNI plugins" /usr/lib/cni/bridge /usr/lib/cni/host-local /usr/lib/cni/loopback /usr/lib/cni/portmap
need docker-registry /usr/bin/docker-registry
need skopeo /usr/bin/skopeo
need umoci /usr/bin/umoci
need busybox-static /bin/busybox
need "iproute2 and iptables" /usr/sbin/ip /usr/sbin/iptables
need curl /usr/bin/curl
need "golang-1.19 and golang-google-grpc-dev" /usr/lib/go-1.19/bin/go /usr/share/gocode/src/google.golang.org/grpc
need "tmux, zsh and fish" /usr/bin/tmux /usr/bin/zsh /usr/bin/fish
need "debootstrap, qemu-system-x86, cpio and objcopy (the guest VM)" /usr/sbin/debootstrap /usr/bin/qemu-system-x86_64 /usr/bin/cpio /usr/bin/objcopy
.build-bench-venv/bin/python -c 'import grpc' 2>/dev/null || missing+=("grpcio in .build-bench-venv (pip install grpcio)")
if [ ${#missing[@]} -gt 0 ]; then
    echo "the end-to-end tests cannot run; missing:" >&2
    printf '  %s\n' "${missing[@]}" >&2
    echo "scripts/install-deps.sh installs the packages (as root)" >&2
    exit 1
fi
