#!/usr/bin/env bash
# Regenerates completions/ from the binary; a unit test fails when they drift.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${CTR_BINARY:-.build/debug/ctr}
[ -x "$bin" ] || swift build --product ctr
"$bin" --generate-completion-script bash > completions/ctr.bash
"$bin" --generate-completion-script zsh > completions/_ctr
"$bin" --generate-completion-script fish > completions/ctr.fish
echo "completions/ regenerated"
