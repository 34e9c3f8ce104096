#!/usr/bin/env bash
# Regenerates Sources/API/Generated from containerd 1.6's API protos (Debian's
# golang-github-containerd-containerd-dev), our own CRI v1 and health protos (proto/), using
# protoc-gen-swift and protoc-gen-grpc-swift-2 built from this package's own dependencies.
# Running it twice gives the same files: the output is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

need=()
command -v protoc >/dev/null || need+=(protobuf-compiler)
[ -d /usr/share/gocode/src/github.com/containerd/containerd/api ] || need+=(golang-github-containerd-containerd-dev)
[ -d /usr/share/gocode/src/github.com/gogo/protobuf ] || need+=(golang-github-gogo-protobuf-dev)
[ -d /usr/share/gocode/src/github.com/containerd/cgroups/v2/stats ] || need+=(golang-github-containerd-cgroups-dev)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

scratch=$root/.build-protoc
swift build --scratch-path "$scratch" --product protoc-gen-swift
swift build --scratch-path "$scratch" --product protoc-gen-grpc-swift-2
bin=$(swift build --scratch-path "$scratch" --show-bin-path)

gocode=/usr/share/gocode/src
cd_api=github.com/containerd/containerd/api
out=$root/Sources/API/Generated
rm -rf "$out"
mkdir -p "$out"

protos=(
    "$cd_api/types/descriptor.proto"
    "$cd_api/types/metrics.proto"
    "$cd_api/types/mount.proto"
    "$cd_api/types/platform.proto"
    "$cd_api/types/task/task.proto"
    "$cd_api/events/container.proto"
    "$cd_api/events/content.proto"
    "$cd_api/events/image.proto"
    "$cd_api/events/namespace.proto"
    "$cd_api/events/snapshot.proto"
    "$cd_api/events/task.proto"
    "$cd_api/services/containers/v1/containers.proto"
    "$cd_api/services/content/v1/content.proto"
    "$cd_api/services/diff/v1/diff.proto"
    "$cd_api/services/events/v1/events.proto"
    "$cd_api/services/images/v1/images.proto"
    "$cd_api/services/introspection/v1/introspection.proto"
    "$cd_api/services/leases/v1/leases.proto"
    "$cd_api/services/namespaces/v1/namespace.proto"
    "$cd_api/services/snapshots/v1/snapshots.proto"
    "$cd_api/services/tasks/v1/tasks.proto"
    "$cd_api/services/version/v1/version.proto"
    "google/rpc/status.proto"
    "github.com/containerd/cgroups/stats/v1/metrics.proto"
    "github.com/containerd/cgroups/v2/stats/metrics.proto"
    "cri/api.proto"
    "health/health.proto"
)
services=(
    "$cd_api/services/containers/v1/containers.proto"
    "$cd_api/services/content/v1/content.proto"
    "$cd_api/services/diff/v1/diff.proto"
    "$cd_api/services/events/v1/events.proto"
    "$cd_api/services/images/v1/images.proto"
    "$cd_api/services/introspection/v1/introspection.proto"
    "$cd_api/services/leases/v1/leases.proto"
    "$cd_api/services/namespaces/v1/namespace.proto"
    "$cd_api/services/snapshots/v1/snapshots.proto"
    "$cd_api/services/tasks/v1/tasks.proto"
    "$cd_api/services/version/v1/version.proto"
    "cri/api.proto"
    "health/health.proto"
)
includes=(
    -I "$root/proto"
    -I "$gocode"
    -I "$gocode/github.com/gogo/protobuf"
    -I "$gocode/github.com/gogo/protobuf/protobuf"
    -I "$gocode/github.com/gogo/googleapis"
)

protoc "${includes[@]}" \
    --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
    --swift_out="$out" \
    --swift_opt=Visibility=Public,FileNaming=PathToUnderscores \
    "${protos[@]}"
protoc "${includes[@]}" \
    --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
    --grpc-swift-2_out="$out" \
    --grpc-swift-2_opt=Visibility=Public,FileNaming=PathToUnderscores \
    "${services[@]}"

# Shorter names for the generated files.
for f in "$out"/*.swift; do
    n=$(basename "$f")
    n=${n#github.com_containerd_containerd_api_}
    n=${n#github.com_containerd_}
    [ "$n" = "$(basename "$f")" ] || mv "$f" "$out/$n"
done
echo "generated $(ls "$out" | wc -l) files in Sources/API/Generated"
