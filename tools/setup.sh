#!/usr/bin/env bash
# From a fresh Debian 12 machine to a working `bytestore`: installs the
# packages, builds, installs under PREFIX (default /usr/local) the library,
# the plugins, the CLI and the conformance runner, then runs the CLI on its
# embedded default store (SQLite under ~/.local/share).
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${PREFIX:-/usr/local}

# No tests, but the conformance runner third parties check plugins with.
# (tools/cli/tests/setup_conformance_test.sh configures with this line.)
setup_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DBYTESTORE_BUILD_TESTS=OFF -DBYTESTORE_BUILD_CONFORMANCE=ON)

tools/install-deps.sh
cmake -S . -B build/setup -G Ninja "${setup_flags[@]}"
ninja -C build/setup
SUDO=""
if [[ ! -w $prefix && $(id -u) != 0 ]]; then SUDO=sudo; fi
$SUDO cmake --install build/setup --prefix "$prefix"

bytestore="$prefix/bin/bytestore"
# Bash completion where bash-completion looks ($XDG_DATA_DIRS).
completions="$prefix/share/bash-completion/completions"
$SUDO mkdir -p "$completions"
"$bytestore" completion bash | $SUDO tee "$completions/bytestore" >/dev/null
echo "+ bytestore set greeting hello && bytestore get greeting"
"$bytestore" set greeting hello
"$bytestore" get greeting
echo
echo "+ bytestore info"
"$bytestore" info
echo
echo "+ bytestore-conformance --help"
"$prefix/bin/bytestore-conformance" --help
