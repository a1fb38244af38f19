#!/usr/bin/env bash
# The whole test suite: installs what it needs, then
#   1. a release build (warnings are errors) and every ctest test,
#   2. the install: an outside project built only against the installed
#      package passes the contract,
#   3. an ASan+UBSan build running every test again,
#   4. a TSan build running the concurrency tests,
#   5. the libFuzzer targets (clang), each for a bounded time.
# Usage: tools/test.sh [--quick]   (--quick: step 1 and 2 only)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
quick=0
[[ ${1:-} == --quick ]] && quick=1

tools/install-deps.sh

step() { printf '\n==== %s (at %d s) ====\n' "$*" "$SECONDS"; }
configure() {  # dir, extra cmake args...
  local dir=$1
  shift
  cmake -S "$root" -B "$dir" -G Ninja -DBYTESTORE_WERROR=ON "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log"; return 1; }
}
configure_and_build() {  # dir, extra cmake args...
  configure "$@"
  ninja -C "$1"
}
# TSan code at -O1: several times faster to test than -O0, same reports.
sanitized=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g" "-DCMAKE_C_FLAGS_DEBUG=-O1 -g")

step "release build and tests"
mkdir -p build
# One compiler cache (tools/ccache.sh) for this tree and the package's
# build, which compile the same sources with the same flags.
source tools/ccache.sh
configure_and_build build/release -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBYTESTORE_BUILD_TESTS=ON "${ccache_flags[@]}"
ctest --test-dir build/release --output-on-failure -j3

step "install, then an outside project against the installed package"
rm -rf build/prefix build/consumer
cmake --install build/release --prefix "$root/build/prefix" >/dev/null
cmake -S tests/install-consumer -B build/consumer -G Ninja -DCMAKE_PREFIX_PATH="$root/build/prefix" \
  "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Werror" >build/consumer.configure.log 2>&1 || { cat build/consumer.configure.log; exit 1; }
ninja -C build/consumer
# No LD_LIBRARY_PATH, no BYTESTORE_PLUGIN_PATH: the package finds its own.
env -u LD_LIBRARY_PATH -u BYTESTORE_PLUGIN_PATH build/consumer/consumer
env -u LD_LIBRARY_PATH -u BYTESTORE_PLUGIN_PATH build/prefix/bin/bytestore-conformance \
  --config tests/install-consumer/stores.yaml --store mem --gtest_brief=1
# A plugin built outside the tree passes the installed conformance suite.
env -u LD_LIBRARY_PATH -u BYTESTORE_PLUGIN_PATH build/prefix/bin/bytestore-conformance \
  --config build/consumer/outside.yaml --store outside --gtest_brief=1
# A layer built outside the tree, over an installed one, is a store too.
env -u LD_LIBRARY_PATH -u BYTESTORE_PLUGIN_PATH build/prefix/bin/bytestore-conformance \
  --config build/consumer/outside.yaml --store layered --gtest_brief=1
# The installed files backend, on a fresh root.
env -u LD_LIBRARY_PATH -u BYTESTORE_PLUGIN_PATH build/prefix/bin/bytestore-conformance \
  --config build/consumer/outside.yaml --store files --gtest_brief=1
# The installed redis backend, on a server of this step's own (a unix
# socket in a scratch directory), stopped by PID.
redis_dir=$(mktemp -d)
redis-server --port 0 --unixsocket "$redis_dir/redis.sock" --save '' --appendonly no --dir "$redis_dir" \
  >"$redis_dir/server.log" 2>&1 &
redis_pid=$!
trap 'kill "$redis_pid" 2>/dev/null; rm -rf "$redis_dir"' EXIT
for _ in $(seq 100); do [[ -S $redis_dir/redis.sock ]] && break; sleep 0.1; done
printf 'stores:\n  redis: {backend: redis, url: "unix://%s/redis.sock?db=3", namespace: installed}\n' \
  "$redis_dir" >build/consumer/redis.yaml
env -u LD_LIBRARY_PATH -u BYTESTORE_PLUGIN_PATH build/prefix/bin/bytestore-conformance \
  --config build/consumer/redis.yaml --store redis --gtest_brief=1
kill "$redis_pid"
wait "$redis_pid" || true
trap - EXIT
rm -rf "$redis_dir"
# pkg-config from the installed prefix, no other flags.
g++ -std=c++20 -Wall -Werror tests/install-consumer/pkg_config_app.cpp \
  $(PKG_CONFIG_PATH="$root/build/prefix/lib/pkgconfig" pkg-config --cflags --libs bytestore) \
  -o build/consumer/pkg-config-app
[[ $(env -u BYTESTORE_PLUGIN_PATH LD_LIBRARY_PATH="$root/build/prefix/lib" build/consumer/pkg-config-app) == \
   "read back through pkg-config" ]]

step "the Debian package: built by CPack, unpacked and used"
bash tools/package.sh
bash tests/package/check_package.sh build/package/bytestore_*.deb

if ((quick)); then
  step "quick run: sanitizer builds skipped"
  exit 0
fi

step "ASan+UBSan build and every test"
# The benchmarks are left out: they run only in release builds.
configure_and_build build/asan -DCMAKE_BUILD_TYPE=Debug -DBYTESTORE_SANITIZE=address,undefined -DBYTESTORE_BUILD_BENCH=OFF
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j3

step "TSan build and the concurrency tests"
configure build/tsan "${sanitized[@]}" -DBYTESTORE_SANITIZE=thread
# Only what the concurrency tests run.
ninja -C build/tsan bytestore-conformance bytestore-core-tests bytestore-soak-tests \
  bytestore-memory bytestore-sqlite bytestore-lmdb bytestore-astra bytestore-data-api-server \
  astra-conformance-harness bytestore-testkit bytestore-noentry bytestore-newabi bytestore-crashing \
  bytestore-prefix bytestore-retry bytestore-cache bytestore-metrics bytestore-compress bytestore-encrypt \
  bytestore-files bytestore-postgres postgres-conformance-harness bytestore-redis redis-conformance-harness
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
  ctest --test-dir build/tsan --output-on-failure -j2 -L concurrency

step "fuzzing: each target for ${BYTESTORE_FUZZ_SECONDS:-12}s from its seed corpus"
CC=clang-14 CXX=clang++-14 configure build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBYTESTORE_FUZZ=ON -DBYTESTORE_BUILD_TESTS=OFF -DBYTESTORE_FUZZ_SECONDS="${BYTESTORE_FUZZ_SECONDS:-12}"
ninja -C build/fuzz config_fuzzer options_fuzzer astra_response_fuzzer bytestore-memory compress_value_fuzzer encrypt_value_fuzzer \
  files_key_path_fuzzer redis_reply_fuzzer
# Two at a time: each target runs on one core.
ctest --test-dir build/fuzz --output-on-failure -L fuzz -j2

step "all passed"
