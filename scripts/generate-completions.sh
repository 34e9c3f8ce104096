#!/usr/bin/env bash
# Regenerates completions/ from the binary (`ctr completion SHELL`); a unit test fails when they drift.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CTR_BINARY:-.build/debug/ctr}
[ -x "$bin" ] || swift build --product ctr
"$bin" completion bash > completions/ctr.bash
"$bin" completion zsh > completions/_ctr
"$bin" completion fish > completions/ctr.fish
echo "completions/ regenerated"
