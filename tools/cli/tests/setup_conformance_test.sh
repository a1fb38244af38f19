#!/usr/bin/env bash
# tools/setup.sh's build (no tests) builds and installs bytestore-conformance,
# as the README and docs/PLUGINS.md promise, and none of the tests.
#   setup_conformance_test.sh SOURCE_DIR SCRATCH_DIR
set -euo pipefail
src=$1 dir=$2
eval "$(grep '^setup_flags=' "$src/tools/setup.sh")"
rm -rf "$dir"
cmake -S "$src" -B "$dir" -G Ninja "${setup_flags[@]}" >"$dir.log" 2>&1 || { cat "$dir.log"; exit 1; }
targets=$(ninja -C "$dir" -t targets all)
grep -q '^bin/bytestore-conformance:' <<<"$targets" || { echo "setup.sh does not build bytestore-conformance"; exit 1; }
grep -q 'bytestore-conformance' "$dir/conformance-tests/cmake_install.cmake" ||
  { echo "setup.sh does not install bytestore-conformance"; exit 1; }
if grep -q '^bin/bytestore-cli-tests:' <<<"$targets"; then echo "setup.sh builds the tests"; exit 1; fi
rm -rf "$dir" "$dir.log"
echo "setup.sh builds and installs bytestore-conformance, and no tests"
