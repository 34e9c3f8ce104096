#!/usr/bin/env bash
# Installs the Debian packages ctr builds with, runs with and tests against. Idempotent: when
# everything is present it changes nothing and does not touch the network.
set -euo pipefail
packages=(
    pkg-config libsqlite3-dev            # build: the metadata store's SQLite
    zlib1g-dev libzstd-dev               # build: gzip and zstd layers
    libreadline-dev libncurses-dev       # build: GNU readline and libtinfo for `ctr shell` (linked statically)
    runc containernetworking-plugins     # run: containers and pod networks
    iproute2 iptables                    # run: pod networks (ip, portmap's DNAT rules)
    containerd                           # tests and bench: Debian's containerd 1.6 and its ctr
    busybox-static skopeo umoci docker-registry   # tests: build images, serve them on 127.0.0.1
    curl                                 # tests: reach a pod through its host port
    python3-yaml                         # tests: PyYAML, the reference for the YAML reader's differential test
    python3-h2                           # tests: raw HTTP/2 for the transport's hostile-client cases
    python3-websocket                    # tests: an independent WebSocket client for the stream server
    golang-1.19-go golang-google-grpc-dev  # tests: a grpc-go client dialled as a kubelet dials
    tmux bash zsh fish                   # tests: real terminals for `ctr shell` and the completion scripts
    debootstrap qemu-system-x86 cpio binutils  # tests: the Debian guest VM (systemd, cgroup v2)
)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The Debian containerd package starts a system containerd; ctr's tests start their own.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet containerd 2>/dev/null; then
    systemctl stop containerd || true
fi
