#!/usr/bin/env bash
# Fuzzes the parsers of what others send us with libFuzzer, each target for a bounded time:
#   fuzz.sh [SECONDS_PER_TARGET (default 60)] [TARGET...]   (targets: toml yaml json layer hosts grpc)
# Builds ctr-fuzz with -sanitize=fuzzer in its own scratch path (.build-fuzz), then runs each
# target from its seed corpora (committed: Tests/Fixtures/fuzz/TARGET, and the TOML and YAML
# fixtures). A crash, a trap or a timeout fails the run; the input is kept in
# .build-fuzz/crashes/TARGET/ and should become a committed regression input
# (Tests/Fixtures/fuzz/TARGET/), which the unit tests replay on every run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(toml yaml json layer hosts grpc)
# lld: gold fails on this link (an internal error in its diagnostics), and lld is in the toolchain.
swift build --scratch-path .build-fuzz --product ctr-fuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -use-ld=lld >&2
binary=$(swift build --scratch-path .build-fuzz --show-bin-path)/ctr-fuzz
status=0
for target in "${targets[@]}"; do
    seeds=(Tests/Fixtures/fuzz/$target)
    max_len=4096
    case $target in
        toml) seeds+=(Tests/Fixtures/toml/valid Tests/Fixtures/toml/malformed) ;;
        yaml) seeds+=(Tests/Fixtures/yaml/valid Tests/Fixtures/yaml/malformed) ;;
        layer) max_len=16384 ;;
    esac
    existing=()
    for seed in "${seeds[@]}"; do [ -d "$seed" ] && existing+=("$seed"); done
    # The first directory is libFuzzer's working corpus (what it finds goes there, not into git).
    corpus=.build-fuzz/corpus/$target
    crashes=.build-fuzz/crashes/$target
    mkdir -p "$corpus" "$crashes"
    echo "fuzz $target: $seconds s" >&2
    if ! CTR_FUZZ_TARGET=$target "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
        -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "${existing[@]}" 2> ".build-fuzz/$target.log"; then
        echo "fuzz $target FAILED: $(ls "$crashes" | head -n 3 | tr '\n' ' ')" >&2
        tail -n 40 ".build-fuzz/$target.log" >&2
        status=1
    else
        echo "fuzz $target: $(grep -E 'stat::number_of_executed_units' ".build-fuzz/$target.log" | awk '{print $2}') runs, no crash" >&2
    fi
done
exit $status
