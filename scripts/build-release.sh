#!/usr/bin/env bash
# Builds the release binary as it ships and as bench/ measures it: the Swift runtime linked
# statically, and every module (dependencies too) compiled with function sections, so that the
# linker drops unused functions and folds identical ones (see `binaryLayout` in Package.swift).
# Concrete generic types are reached through metadata accessor calls rather than by demangling
# their names at first use: every process starts faster (a client call ~20%, the daemon ~30%),
# for 0.3 MB of code. The functions a running daemon uses are placed together, in the order of
# scripts/code-order.txt.gz (made by scripts/order-code.sh): its resident code is a few MB
# instead of most of the text segment.
# CTR_LINK_PAGED=1 links instead the profiling layout of order-code.sh, one function per page;
# CTR_LINK_MAP=FILE also writes the link map there.
# The build goes to .build-release; the last line printed is the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .build-release
link=()
if [ "${CTR_LINK_PAGED:-}" = 1 ]; then
    link=(-Xlinker -T -Xlinker "$PWD/scripts/one-function-per-page.ld")
    echo paged > .build-release/link-inputs.new
elif [ -f scripts/code-order.txt.gz ]; then
    # Functions by symbol, and private ones (no symbol) by input section in a linker script.
    gzip -dc scripts/code-order.txt.gz | grep -v '^section ' > .build-release/code-order.txt || true
    {
        echo 'OVERWRITE_SECTIONS {'
        echo '  .text : {'
        gzip -dc scripts/code-order.txt.gz | sed -n 's/^section /    /p'
        echo '    *(.text .text.*)'
        echo '  }'
        echo '}'
    } > .build-release/code-order.ld
    link=(-Xlinker --symbol-ordering-file="$PWD/.build-release/code-order.txt" -Xlinker --no-warn-symbol-ordering
          -Xlinker -T -Xlinker "$PWD/.build-release/code-order.ld")
    cat .build-release/code-order.txt .build-release/code-order.ld | md5sum > .build-release/link-inputs.new
else
    echo none > .build-release/link-inputs.new
fi
if [ -n "${CTR_LINK_MAP:-}" ]; then
    link+=(-Xlinker -Map="$CTR_LINK_MAP")
    echo "map $CTR_LINK_MAP" >> .build-release/link-inputs.new
fi
# libstdc++, zstd and zlib linked from their archives: each shared library costs every process
# the dynamic loader's work at start (libstdc++'s own symbol lookups most), 0.6 ms of a client
# command for these three, for 0.5 MB more binary. SQLite stays shared: linked in, it would add
# 1.1 MB for 0.15 ms. The linker takes `-lNAME` from the first directory that has either file,
# so this one, searched first, holds only the archives.
static_libs=.build-release/static-libs
rm -rf "$static_libs"
mkdir -p "$static_libs"
for archive in libstdc++.a libzstd.a libz.a; do
    path=$(clang -print-file-name="$archive")
    [ -f "$path" ] || { echo "build-release: $archive not found (install the -dev package)" >&2; exit 1; }
    ln -s "$path" "$static_libs/$archive"
done
echo "archives $(ls "$static_libs")" >> .build-release/link-inputs.new
# SwiftPM does not track the order file, the layout or the archives as link inputs: a change forces the link.
if ! cmp -s .build-release/link-inputs.new .build-release/link-inputs; then
    rm -f .build-release/release/ctr
    mv .build-release/link-inputs.new .build-release/link-inputs
fi
rm -f .build-release/link-inputs.new
swift build -c release --product ctr --scratch-path .build-release "${link[@]}" \
    -Xswiftc -static-stdlib -Xswiftc -L"$PWD/$static_libs" -Xswiftc -Xfrontend -Xswiftc -function-sections \
    -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors \
    -Xcc -ffunction-sections -Xcc -fdata-sections >&2
echo "$PWD/.build-release/release/ctr"
