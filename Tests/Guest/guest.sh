#!/usr/bin/env bash
# A throwaway Debian 12 (bookworm) virtual machine for tests that need a whole system: systemd as
# PID 1, cgroup v2 unified, runc, the CNI plugins and iptables, with nothing of the host's own
# state in the way. The guest boots from an initramfs (the whole root file system lives in RAM),
# runs one scenario script that the host shares over 9p, hands back its log and exit status over
# a second 9p share and powers off.
#
#   guest.sh build
#       Builds the guest image unless it is cached and prints its directory on stdout (everything
#       else goes to stderr). The directory holds vmlinuz, rootfs.cpio.gz and a manifest.
#   guest.sh run SHARE_DIR RESULT_DIR [TIMEOUT_SECONDS]
#       Boots the image (building it first if needed) with SHARE_DIR mounted read-only at
#       /mnt/share and RESULT_DIR read-write at /mnt/results, and runs /mnt/share/scenario.sh
#       as root once the guest has finished booting. TIMEOUT_SECONDS (default 600) counts from
#       the start of qemu. Exits with the scenario's status; 124 when the guest timed out, 125
#       when the harness failed (the guest did not boot, qemu failed, ...).
#       RESULT_DIR receives: console.log (the serial console: kernel, systemd and the scenario's
#       output), qemu.log (qemu's own messages), scenario.log (the scenario's stdout and stderr),
#       boot-time (uptime and systemd-analyze when the scenario started) and status.
#
# The scenario runs with stdin from /dev/null, in /root, with CTR_GUEST=1, CTR_SHARE=/mnt/share
# and CTR_RESULTS=/mnt/results set. The guest has only a loopback interface (no network device).
#
# Environment:
#   CTR_GUEST_CACHE   where images are cached (default /var/cache/ctr-guest); one directory per
#                     image, named by the sha256 of what the image is made from
#   CTR_GUEST_ACCEL   auto (default), kvm or tcg; see choose_accelerator
#   CTR_GUEST_MEMORY  guest memory in MiB (default 2048; the root file system takes part of it)
#   CTR_GUEST_CPUS    guest CPUs (default 2)
#   CTR_GUEST_APPEND  extra kernel command line arguments
#
# Needs root, a Debian host with apt (for the kernel package), debootstrap, qemu-system-x86 and
# cpio, and deb.debian.org for the first build.
set -euo pipefail
export LC_ALL=C   # one sort order and untranslated messages for everything below

SELF=$(readlink -f "${BASH_SOURCE[0]}")
CACHE_ROOT=${CTR_GUEST_CACHE:-/var/cache/ctr-guest}
BUILD_TMP=""    # the build's scratch directory while a build runs (removed on exit)
QEMU_PID=""     # the running guest (killed on exit)
STARTED_US=""   # when this command started, in microseconds

log() { printf 'guest.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 125; }

# Wall clock in microseconds ($EPOCHREALTIME without its decimal separator, whatever the locale).
now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }
# Microseconds to seconds with one decimal.
seconds() { printf '%d.%d' $(($1 / 1000000)) $(($1 % 1000000 / 100000)); }

# >>> build section: everything from here to the end marker goes into the cache key, so that any
# change to what the image is made of (packages, kernel choice, guest files) makes a new image.

SUITE=bookworm
MIRROR=http://deb.debian.org/debian

# What the guest needs beyond debootstrap's minbase: systemd as init, udev (module autoloading,
# /dev), dbus (runc's systemd cgroup driver talks to systemd over the system bus), runc, the CNI
# plugins and iptables with iproute2 for container networking, kmod, procps and util-linux for
# scenarios, and the shared libraries a dynamically linked ctr needs besides the Swift runtime
# (which the scenario brings along in its share).
PACKAGES=(
    systemd-sysv udev dbus
    runc containernetworking-plugins iptables iproute2
    kmod procps util-linux
    libsqlite3-0 libzstd1 zlib1g libstdc++6 libgcc-s1
)

# The kernel is Debian's own 6.1 kernel, the newest ABI the host's apt lists offer. The cloud
# flavour (linux-image-6.1.0-N-cloud-amd64) would be a third of the size, but Debian builds it
# without 9p (CONFIG_NET_9P is not set), so the guest uses the generic flavour and keeps only the
# modules listed below.
KERNEL_FLAVOUR=amd64

# Kernel options the guest cannot do without (built in or as modules); checked at build time.
KERNEL_CONFIG_REQUIRED=(
    BLK_DEV_INITRD RD_GZIP TMPFS DEVTMPFS SERIAL_8250_CONSOLE
    VIRTIO_PCI NET_9P NET_9P_VIRTIO 9P_FS
    OVERLAY_FS
    CGROUPS MEMCG CGROUP_PIDS CPUSETS CGROUP_DEVICE CGROUP_BPF CGROUP_SCHED BLK_CGROUP
    NAMESPACES NET_NS PID_NS IPC_NS UTS_NS USER_NS SECCOMP
    VETH BRIDGE BRIDGE_NETFILTER NETFILTER NF_TABLES NFT_COMPAT NF_NAT NF_CONNTRACK NFT_MASQ
    IP_NF_IPTABLES IP_NF_NAT NETFILTER_XT_TARGET_MASQUERADE
)

# Modules copied into the guest, as paths (a file or a directory) under /lib/modules/<version>;
# each brings the modules it depends on. The rest of the generic kernel's 390 MB of modules is
# hardware the guest does not have. Add here what a scenario finds missing.
KERNEL_MODULES=(
    kernel/fs/9p/ kernel/net/9p/9pnet_virtio.ko
    kernel/drivers/virtio/ kernel/drivers/char/virtio_console.ko
    kernel/drivers/char/hw_random/virtio-rng.ko
    kernel/drivers/net/virtio_net.ko kernel/drivers/block/virtio_blk.ko
    kernel/fs/autofs/ kernel/fs/overlayfs/ kernel/fs/fuse/ kernel/fs/squashfs/ kernel/fs/ext4/
    kernel/drivers/block/loop.ko kernel/drivers/md/dm-mod.ko kernel/drivers/md/dm-thin-pool.ko
    kernel/net/netfilter/ kernel/net/ipv4/netfilter/ kernel/net/ipv6/netfilter/
    kernel/net/bridge/ kernel/net/sched/ kernel/net/8021q/
    kernel/drivers/net/veth.ko kernel/drivers/net/dummy.ko kernel/drivers/net/tun.ko
    kernel/drivers/net/macvlan.ko kernel/drivers/net/ifb.ko kernel/drivers/net/vrf.ko
    kernel/drivers/net/ipvlan/ kernel/drivers/net/vxlan/
)

# Units that would only slow the boot down or fail in a diskless guest without hardware.
MASKED_UNITS=(
    systemd-firstboot.service          # would prompt on the console for locale and password
    systemd-networkd-wait-online.service
    getty@tty1.service                 # no screen; the serial console keeps its getty
    apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer
    e2scrub_all.timer e2scrub_reap.service fstrim.timer
    # These four would rebuild caches at every boot: nothing in the image records that /etc and
    # /var are up to date with /usr (ConditionNeedsUpdate).
    systemd-hwdb-update.service ldconfig.service systemd-journal-catalog-update.service
    systemd-update-done.service
)

# Debootstraps, adds the kernel and the guest's own files, and packs everything into
# $1/rootfs.cpio.gz with the kernel at $1/vmlinuz.
build_into() {
    local image=$1 scratch=$2 rootfs=$2/rootfs kernel=$2/kernel deb version
    mkdir -p "$image" "$rootfs" "$kernel/deb"

    log "debootstrap $SUITE (minbase + ${#PACKAGES[@]} packages) from $MIRROR"
    local include
    include=$(IFS=,; echo "${PACKAGES[*]}")
    if ! debootstrap --variant=minbase --include="$include" "$SUITE" "$rootfs" "$MIRROR" \
        >"$scratch/debootstrap.log" 2>&1; then
        tail -n 30 "$scratch/debootstrap.log" >&2
        [ -f "$rootfs/debootstrap/debootstrap.log" ] && tail -n 30 "$rootfs/debootstrap/debootstrap.log" >&2
        die "debootstrap failed (its log is above)"
    fi

    log "kernel: $KERNEL_PACKAGE $KERNEL_PACKAGE_VERSION"
    # apt's download sandbox user cannot write into a root-owned scratch directory; root will do.
    (cd "$kernel/deb" && apt-get download -q -o APT::Sandbox::User=root \
        "$KERNEL_PACKAGE=$KERNEL_PACKAGE_VERSION" >&2) || die "apt-get download $KERNEL_PACKAGE failed"
    deb=$(echo "$kernel"/deb/*.deb)
    dpkg-deb -x "$deb" "$kernel/tree"
    version=$(basename "$(echo "$kernel"/tree/lib/modules/*)")
    [ -f "$kernel/tree/boot/vmlinuz-$version" ] || die "no vmlinuz-$version in $KERNEL_PACKAGE"
    check_kernel_config "$kernel/tree/boot/config-$version"
    cp "$kernel/tree/boot/vmlinuz-$version" "$image/vmlinuz"
    install_modules "$kernel/tree/lib/modules/$version" "$rootfs" "$version"

    configure_rootfs "$rootfs"
    trim_rootfs "$rootfs"

    {
        echo "suite: $SUITE"
        echo "kernel-package: $KERNEL_PACKAGE $KERNEL_PACKAGE_VERSION"
        echo "kernel-release: $version"
        echo "built: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "packages:"
        chroot "$rootfs" dpkg-query -W -f '  ${Package} ${Version}\n'
    } >"$image/manifest"

    log "packing rootfs.cpio.gz ($(du -sh "$rootfs" | cut -f1) unpacked)"
    # newc is the only cpio format the kernel unpacks; every file is owned by root.
    (cd "$rootfs" && find . -print0 | LC_ALL=C sort -z |
        cpio --null --create --format=newc --owner=0:0 --quiet) | gzip -6 >"$image/rootfs.cpio.gz"
}

check_kernel_config() {
    local config=$1 option missing=()
    for option in "${KERNEL_CONFIG_REQUIRED[@]}"; do
        grep -Eq "^CONFIG_${option}=[ym]\$" "$config" || missing+=("CONFIG_$option")
    done
    [ ${#missing[@]} -eq 0 ] || die "$KERNEL_PACKAGE lacks ${missing[*]}"
}

# Copies the modules named in KERNEL_MODULES and everything they depend on into the rootfs.
# modules.dep lists each module with its whole dependency chain, so one pass is enough.
install_modules() {
    local from=$1 rootfs=$2 version=$3 to=$2/usr/lib/modules/$3 wanted module
    mkdir -p "$to"
    cp -a "$from"/. "$to"/
    chroot "$rootfs" depmod "$version"
    for wanted in "${KERNEL_MODULES[@]}"; do
        grep -q "^$wanted" "$to/modules.dep" || die "no module matches $wanted in $KERNEL_PACKAGE"
    done
    awk -v list="${KERNEL_MODULES[*]}" '
        BEGIN { n = split(list, wanted, " ") }
        {
            sub(":", "", $1)
            for (i = 1; i <= n; i++) if (index($1, wanted[i]) == 1) { for (f = 1; f <= NF; f++) print $f; break }
        }' "$to/modules.dep" | sort -u >"$to/.keep"
    (cd "$to" && find kernel -name '*.ko*' | sort | comm -23 - .keep | xargs -r rm -f)
    find "$to/kernel" -depth -type d -empty -delete
    rm -f "$to/.keep"
    chroot "$rootfs" depmod "$version"
    log "modules: $(find "$to/kernel" -name '*.ko*' | wc -l) kept ($(du -sh "$to" | cut -f1))"
}

configure_rootfs() {
    local rootfs=$1 unit
    echo ctr-guest >"$rootfs/etc/hostname"
    printf '127.0.0.1\tlocalhost\n127.0.1.1\tctr-guest\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' \
        >"$rootfs/etc/hosts"
    # No network device: a resolv.conf copied from the build host would only mislead.
    : >"$rootfs/etc/resolv.conf"
    printf '# The root file system is the initramfs; nothing to mount.\n' >"$rootfs/etc/fstab"
    # root logs in on the serial console without a password (the guest has no network).
    sed -i 's/^root:[^:]*:/root::/' "$rootfs/etc/shadow"
    # One fixed machine id per image: a missing one would make every boot a "first boot".
    od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$rootfs/etc/machine-id"
    echo >>"$rootfs/etc/machine-id"
    [ -e "$rootfs/dev/console" ] || mknod -m 600 "$rootfs/dev/console" c 5 1

    cat >"$rootfs/init" <<'EOF'
#!/bin/sh
# The guest's first process (rdinit=/init), which hands over to systemd as PID 1.
# The initramfs is the kernel's "rootfs" mount, and pivot_root(2) refuses to move that one away,
# which runc does for every container (it would need --no-pivot). Binding the root onto itself
# and entering the bind gives systemd an ordinary mount as its root, without copying anything.
mount -t proc proc /proc
mount --bind / /mnt
cd /mnt
mount --move . /
umount /proc
exec chroot . /sbin/init "$@"
EOF

    mkdir -p "$rootfs/usr/local/libexec/ctr-guest"
    cat >"$rootfs/usr/local/libexec/ctr-guest/run-scenario" <<'EOF'
#!/bin/bash
# Runs as ctr-scenario.service once the guest has booted: mounts the host's shares, runs the
# scenario, leaves its log and exit status for the host and powers the guest off, whatever happens.
set -u
say() { printf 'ctr-guest: %s\n' "$*" >/dev/console; }
finish() {
    sync
    say "powering off"
    systemctl poweroff --no-block
}
trap finish EXIT
started=$(cut -d' ' -f1 /proc/uptime)

modprobe -a 9pnet_virtio 9p || say "modprobe 9pnet_virtio 9p failed"
mkdir -p /mnt/share /mnt/results
# msize: 512 KiB messages make reading large binaries over 9p several times faster than the
# default 128 KiB. The share does not change while the guest runs, so it may be cached.
options=trans=virtio,version=9p2000.L,msize=524288
if ! mount -t 9p -o "$options,ro,cache=loose" ctrshare /mnt/share; then
    say "step failed: mounting the 9p share ctrshare at /mnt/share"
    exit 1
fi
if ! mount -t 9p -o "$options" ctrresults /mnt/results; then
    say "step failed: mounting the 9p share ctrresults at /mnt/results"
    exit 1
fi
ip link set lo up

# Let the boot finish (this unit is ordered after multi-user.target but other jobs may still run).
timeout 120 systemctl is-system-running --wait >/dev/null 2>&1
{
    echo "uptime when the runner started: $started s"
    echo "uptime when the scenario started: $(cut -d' ' -f1 /proc/uptime) s"
    echo "system state: $(systemctl is-system-running 2>&1)"
    systemd-analyze time 2>&1
    echo "slowest units:"
    systemd-analyze blame 2>&1 | head -n 15
    echo "failed units:"
    systemctl --failed --no-legend --plain 2>&1
} >/mnt/results/boot-time

scenario=/mnt/share/scenario.sh
if [ -x "$scenario" ]; then command=("$scenario"); else command=(bash "$scenario"); fi
# The log goes through a FIFO to tee rather than a pipe: a daemon the scenario leaves running
# keeps its copy of the output open, and the runner must not wait for that.
fifo=/run/ctr-scenario.output
rm -f "$fifo"
mkfifo "$fifo"
tee /mnt/results/scenario.log <"$fifo" >/dev/console &
tee_pid=$!
say "scenario starting"
(cd /root && CTR_GUEST=1 CTR_SHARE=/mnt/share CTR_RESULTS=/mnt/results exec "${command[@]}") \
    </dev/null >"$fifo" 2>&1
status=$?
for _ in $(seq 20); do kill -0 "$tee_pid" 2>/dev/null || break; sleep 0.1; done
kill "$tee_pid" 2>/dev/null
say "scenario finished with status $status"
echo "$status" >/mnt/results/status.tmp && mv -f /mnt/results/status.tmp /mnt/results/status
EOF
    chmod 755 "$rootfs/init" "$rootfs/usr/local/libexec/ctr-guest/run-scenario"

    # Runs after the boot instead of inside it (Type=exec, ordered after multi-user.target
    # without DefaultDependencies): as a oneshot part of multi-user.target the boot would not
    # finish before the scenario did, so neither systemctl is-system-running nor systemd-analyze
    # would see a booted system.
    cat >"$rootfs/etc/systemd/system/ctr-scenario.service" <<'EOF'
[Unit]
Description=Run the ctr test scenario shared by the host, then power off
DefaultDependencies=no
Requires=sysinit.target
After=sysinit.target basic.target multi-user.target
Conflicts=shutdown.target
Before=shutdown.target
# The runner powers off itself; these catch a runner that dies before it can.
SuccessAction=poweroff
FailureAction=poweroff

[Service]
Type=exec
ExecStart=/usr/local/libexec/ctr-guest/run-scenario
Environment=HOME=/root
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity
TimeoutStopSec=10

[Install]
WantedBy=multi-user.target
EOF
    chroot "$rootfs" systemctl enable ctr-scenario.service >/dev/null 2>&1
    chroot "$rootfs" systemctl set-default multi-user.target >/dev/null 2>&1
    for unit in "${MASKED_UNITS[@]}"; do
        chroot "$rootfs" systemctl mask "$unit" >/dev/null 2>&1
    done
}

# Drops what a test guest never reads (documentation, translations, apt's caches), which is
# RAM in the guest and unpacking time at every boot.
trim_rootfs() {
    local rootfs=$1
    rm -rf "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
        "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian \
        "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/debconf/*-old \
        "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/*
}

# <<< build section

# The newest linux-image-6.1.0-N-<flavour> the apt lists know, as KERNEL_PACKAGE and
# KERNEL_PACKAGE_VERSION. Asking apt takes a second, so the answer is remembered until the apt
# lists change.
resolve_kernel() {
    local name candidate stamp memo=$CACHE_ROOT/kernel-choice recorded=""
    KERNEL_PACKAGE="" KERNEL_PACKAGE_VERSION=""
    # apt update replaces files in /var/lib/apt/lists, which changes the directory's mtime.
    stamp="$KERNEL_FLAVOUR $(stat -c %n:%Y /var/lib/apt/lists /etc/apt/sources.list* 2>/dev/null |
        paste -sd' ' || true)"
    if [ -f "$memo" ]; then
        { read -r recorded; read -r KERNEL_PACKAGE KERNEL_PACKAGE_VERSION; } <"$memo" || true
        [ "$recorded" = "$stamp" ] && [ -n "$KERNEL_PACKAGE_VERSION" ] && return 0
    fi
    while read -r name; do
        candidate=$(apt-cache policy "$name" | awk '$1 == "Candidate:" { print $2 }')
        if [ -n "$candidate" ] && [ "$candidate" != "(none)" ]; then
            KERNEL_PACKAGE=$name KERNEL_PACKAGE_VERSION=$candidate
            mkdir -p "$CACHE_ROOT"
            printf '%s\n%s %s\n' "$stamp" "$name" "$candidate" >"$memo.$$"
            mv -f "$memo.$$" "$memo"
            return 0
        fi
    done < <(apt-cache pkgnames linux-image-6.1.0- |
        grep -E "^linux-image-6\.1\.0-[0-9]+-${KERNEL_FLAVOUR}\$" | sort -rV || true)
    die "apt knows no linux-image-6.1.0-*-$KERNEL_FLAVOUR package" \
        "(is deb.debian.org bookworm in the apt sources, and apt-get update run?)"
}

image_key() {
    {
        sed -n '/^# >>> build section/,/^# <<< build section/p' "$SELF"
        echo "suite=$SUITE"
        echo "kernel=$KERNEL_PACKAGE=$KERNEL_PACKAGE_VERSION"
    } | sha256sum | cut -d' ' -f1
}

# Sets IMAGE_DIR to the cached image, building it first if it is not there.
ensure_image() {
    local key lock started
    [ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot, mknod)"
    resolve_kernel
    key=$(image_key)
    IMAGE_DIR=$CACHE_ROOT/$key
    image_complete && return 0

    mkdir -p "$CACHE_ROOT"
    # One build per key at a time; whoever waited finds the image built.
    exec {lock}>"$CACHE_ROOT/$key.lock"
    if ! flock -n "$lock"; then
        log "waiting for another build of this image"
        flock "$lock"
    fi
    if image_complete; then
        exec {lock}>&-
        return 0
    fi

    log "building the guest image $key"
    started=$(now_us)
    # The scratch directory sits next to the cache so that the finished image moves in with one
    # rename: the image directory either exists complete or not at all.
    BUILD_TMP=$(mktemp -d "$CACHE_ROOT/.build-$key.XXXXXX")
    build_into "$BUILD_TMP/image" "$BUILD_TMP"
    mv -T "$BUILD_TMP/image" "$IMAGE_DIR"
    remove_build_tmp
    exec {lock}>&-
    log "built $IMAGE_DIR in $(seconds $(($(now_us) - started))) s" \
        "($(du -sh "$IMAGE_DIR/rootfs.cpio.gz" | cut -f1) initramfs)"
}

image_complete() { [ -f "$IMAGE_DIR/vmlinuz" ] && [ -f "$IMAGE_DIR/rootfs.cpio.gz" ]; }

# A failed debootstrap can leave /proc and /sys mounted inside the scratch rootfs: unmount those
# before removing anything, and never cross into a mount while removing.
remove_build_tmp() {
    [ -n "$BUILD_TMP" ] && [ -d "$BUILD_TMP" ] || return 0
    local mountpoint
    findmnt -rn -o TARGET | { grep -F "$BUILD_TMP/" || true; } | sort -r | while read -r mountpoint; do
        umount -l "$mountpoint" || true
    done
    rm -rf --one-file-system "$BUILD_TMP"
    BUILD_TMP=""
}

# Picks qemu's accelerator, as ACCEL_ARGS. KVM is only used once a probe has shown that it boots
# a kernel here: on some hosts (nested virtualisation) /dev/kvm exists but qemu aborts setting
# MSRs with -cpu host, or the guest hangs silently right after the kernel's decompressor. The
# probe boots the guest kernel with no root file system, which panics within seconds when KVM
# works; its result is kept for the host's current boot (keyed by boot_id and host kernel).
# CTR_GUEST_ACCEL=kvm or tcg skips the probe.
choose_accelerator() {
    local choice=${CTR_GUEST_ACCEL:-auto} record probe_file host output
    case $choice in
        auto)
            if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
                choice=tcg
            else
                host="$(cat /proc/sys/kernel/random/boot_id) $(uname -r)"
                probe_file=$CACHE_ROOT/kvm-probe
                record=$(cat "$probe_file" 2>/dev/null || true)
                if [ "${record% *}" = "$host" ]; then
                    choice=${record##* }
                else
                    log "probing KVM (at most 20 s)"
                    output=$(timeout 20 qemu-system-x86_64 -accel kvm -cpu host -m 256 -nographic \
                        -no-reboot -nic none -kernel "$IMAGE_DIR/vmlinuz" \
                        -append "console=ttyS0 panic=-1 quiet" </dev/null 2>&1 || true)
                    if grep -q "Kernel panic" <<<"$output"; then choice=kvm; else choice=tcg; fi
                    [ "$choice" = kvm ] || log "KVM does not boot a guest here; using TCG (emulation)"
                    echo "$host $choice" >"$probe_file"
                fi
            fi ;;
        kvm | tcg) ;;
        *) die "CTR_GUEST_ACCEL must be auto, kvm or tcg, not $choice" ;;
    esac
    if [ "$choice" = kvm ]; then ACCEL_ARGS=(-accel kvm -cpu host); else ACCEL_ARGS=(-accel tcg -cpu max); fi
}

stop_qemu() {
    [ -n "$QEMU_PID" ] || return 0
    if kill -0 "$QEMU_PID" 2>/dev/null; then
        kill "$QEMU_PID" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$QEMU_PID" 2>/dev/null || true
    fi
    wait "$QEMU_PID" 2>/dev/null || true
    QEMU_PID=""
}

on_exit() {
    local status=$?
    stop_qemu
    remove_build_tmp
    return $status
}

# The last lines of the console, to show why a guest did not deliver a status.
show_console_tail() {
    local console=$1
    [ -s "$console" ] || { log "console.log is empty"; return 0; }
    log "last lines of $console:"
    tail -n 40 "$console" | sed 's/\r$//; s/^/    /' >&2
}

# Boots the guest on a scenario and exits with its status (never returns).
run_scenario() {
    local share=$1 results=$2 timeout=${3:-600}
    [[ $timeout =~ ^[1-9][0-9]*$ ]] || die "TIMEOUT_SECONDS must be a positive whole number, not $timeout"
    [ -d "$share" ] || die "no share directory $share"
    [ -f "$share/scenario.sh" ] || die "no scenario.sh in $share"
    mkdir -p "$results"
    share=$(readlink -f "$share") results=$(readlink -f "$results")
    [ "$share" != "$results" ] || die "the share and the result directory must differ"

    ensure_image
    choose_accelerator
    local console=$results/console.log
    rm -f "$console" "$results"/{qemu.log,scenario.log,boot-time,status,status.tmp}

    local cmdline="console=ttyS0 rdinit=/init panic=-1 systemd.unified_cgroup_hierarchy=1"
    cmdline+=" systemd.show_status=auto mitigations=off ${CTR_GUEST_APPEND:-}"
    log "booting ($(echo "${ACCEL_ARGS[1]}" | tr a-z A-Z), timeout ${timeout} s); console: $console"
    local qemu_started
    qemu_started=$(now_us)
    qemu-system-x86_64 "${ACCEL_ARGS[@]}" \
        -m "${CTR_GUEST_MEMORY:-2048}" -smp "${CTR_GUEST_CPUS:-2}" \
        -nographic -no-reboot -nic none \
        -kernel "$IMAGE_DIR/vmlinuz" -initrd "$IMAGE_DIR/rootfs.cpio.gz" -append "$cmdline" \
        -device virtio-rng-pci \
        -virtfs "local,path=$share,mount_tag=ctrshare,security_model=none,readonly=on,multidevs=remap" \
        -virtfs "local,path=$results,mount_tag=ctrresults,security_model=none,multidevs=remap" \
        </dev/null >"$console" 2>"$results/qemu.log" &
    QEMU_PID=$!

    # Watch the guest: the runner's "scenario starting" line on the console (not necessarily at the
    # start of a line: the serial getty's login prompt may precede it) marks the end of the boot,
    # the status file the end of the scenario, after which the guest gets 30 s to power off.
    local now deadline=$((qemu_started + timeout * 1000000)) scenario_at="" status_at=""
    local qemu_status="" timed_out="" lingered=""
    while :; do
        if ! kill -0 "$QEMU_PID" 2>/dev/null; then
            wait "$QEMU_PID" && qemu_status=0 || qemu_status=$?
            QEMU_PID=""
            break
        fi
        now=$(now_us)
        if [ -z "$scenario_at" ] && grep -aq 'ctr-guest: scenario starting' "$console" 2>/dev/null; then
            scenario_at=$now
        fi
        [ -z "$status_at" ] && [ -f "$results/status" ] && status_at=$now
        if [ -n "$status_at" ] && [ $((now - status_at)) -gt 30000000 ]; then
            lingered=1
            stop_qemu
            break
        fi
        if [ "$now" -gt "$deadline" ]; then
            timed_out=1
            stop_qemu
            break
        fi
        sleep 0.5
    done
    local finished
    finished=$(now_us)
    [ -z "$lingered" ] || log "the guest did not power off within 30 s of the scenario's end; qemu stopped"

    local boot="not reached"
    if [ -n "$scenario_at" ]; then
        boot="$(seconds $((scenario_at - qemu_started))) s"
        local guest_uptime
        guest_uptime=$(sed -n 's/^uptime when the scenario started: \([0-9.]*\) s$/\1/p' \
            "$results/boot-time" 2>/dev/null || true)
        [ -z "$guest_uptime" ] || boot+=" (guest uptime $guest_uptime s)"
    fi
    log "boot to scenario: $boot; qemu ran $(seconds $((finished - qemu_started))) s;" \
        "total $(seconds $((finished - STARTED_US))) s"

    if [ -f "$results/status" ]; then
        local status
        status=$(tr -d '[:space:]' <"$results/status")
        [[ $status =~ ^[0-9]+$ ]] || die "the guest wrote an unreadable status: '$status'"
        log "scenario exited with status $status (log: $results/scenario.log)"
        exit "$status"
    fi

    local step
    if [ -n "$timed_out" ]; then
        step="the boot did not reach the scenario"
        [ -z "$scenario_at" ] || step="the scenario did not finish"
        log "error: timed out after $timeout s: $step"
        show_console_tail "$console"
        exit 124
    fi
    if [ "$qemu_status" -ne 0 ] && [ -z "$scenario_at" ]; then
        log "error: qemu failed with exit status $qemu_status: $(tail -n 5 "$results/qemu.log" | tr '\n' ' ')"
    elif step=$(grep -ao -m1 'ctr-guest: step failed: .*' "$console" | tr -d '\r'); then
        log "error: the guest stopped without a status: ${step#ctr-guest: }"
    elif [ -n "$scenario_at" ]; then
        log "error: the guest stopped while the scenario ran (qemu exit status $qemu_status)"
    else
        log "error: the boot did not reach the scenario (qemu exit status $qemu_status)"
    fi
    show_console_tail "$console"
    exit 125
}

usage() {
    sed -n '2,/^set -euo pipefail/p' "$SELF" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

main() {
    STARTED_US=$(now_us)
    trap on_exit EXIT
    trap 'log "interrupted (SIGINT)"; exit 130' INT
    trap 'log "terminated (SIGTERM)"; exit 143' TERM
    trap 'log "hung up (SIGHUP)"; exit 129' HUP
    case ${1:-} in
        build)
            [ $# -eq 1 ] || usage
            ensure_image
            echo "$IMAGE_DIR" ;;
        run)
            [ $# -ge 3 ] && [ $# -le 4 ] || usage
            run_scenario "$2" "$3" "${4:-600}" ;;
        *) usage ;;
    esac
}

main "$@"
