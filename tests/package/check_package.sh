#!/usr/bin/env bash
# Unpacks the .deb into a scratch root and uses it from there, as a user of
# the package would: the files at Debian's paths, Depends computed, the CLI
# on the embedded default store, the conformance suite on a memory store,
# the man pages and the pkg-config file.
#   tests/package/check_package.sh build/package/bytestore_<version>_<arch>.deb
set -euo pipefail
deb=$1
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dpkg -x "$deb" "$scratch/root"
fail() { echo "check_package: $*" >&2; exit 1; }

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libsqlite3 liblmdb libyaml-cpp libcurl libpq5 libzstd libsodium libhiredis libssl3; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib"
done

root=$scratch/root
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for f in usr/bin/bytestore usr/bin/bytestore-conformance usr/bin/bytestore-data-api-server \
         "usr/lib/$arch/libbytestore.so" "usr/lib/$arch/pkgconfig/bytestore.pc" \
         "usr/lib/$arch/bytestore/plugins/bytestore-sqlite.so" "usr/lib/$arch/bytestore/plugins/bytestore-files.so" \
         "usr/lib/$arch/bytestore/plugins/bytestore-postgres.so" "usr/lib/$arch/bytestore/plugins/bytestore-redis.so" "usr/lib/$arch/bytestore/plugins/bytestore-encrypt.so" \
         usr/include/bytestore/bytestore.hpp "usr/lib/$arch/cmake/bytestore/bytestoreConfig.cmake" \
         usr/share/man/man1/bytestore.1 usr/share/man/man1/bytestore-conformance.1 \
         usr/share/man/man1/bytestore-data-api-server.1 usr/share/man/man5/bytestore.yaml.5 \
         usr/share/bash-completion/completions/bytestore; do
  [[ -e $root/$f ]] || fail "the package has no /$f"
done

# The programs find their library and plugins relative to where they are.
run() { env -u LD_LIBRARY_PATH -u BYTESTORE_PLUGIN_PATH -u BYTESTORE_CONFIG HOME="$scratch/home" \
          XDG_DATA_HOME="$scratch/xdg" "$@"; }
[[ $(run "$root/usr/bin/bytestore" --version) == "bytestore $(dpkg-deb -f "$deb" Version)" ]] ||
  fail "bytestore --version does not say the package's version"
run "$root/usr/bin/bytestore" set greeting "from the package"
[[ $(run "$root/usr/bin/bytestore" get greeting) == "from the package" ]] || fail "the embedded default store lost a value"
[[ -f $scratch/xdg/bytestore/default.db ]] || fail "the embedded default is not where the docs say"
printf 'stores:\n  mem: { backend: memory }\n' >"$scratch/mem.yaml"
run "$root/usr/bin/bytestore-conformance" --config "$scratch/mem.yaml" --store mem --gtest_brief=1 >"$scratch/conformance.log" ||
  { cat "$scratch/conformance.log"; fail "the conformance suite failed on a memory store"; }
for page in "$root"/usr/share/man/man1/*.1 "$root"/usr/share/man/man5/*.5; do
  MANWIDTH=80 man -l "$page" >/dev/null
done
# pkg-config from the unpacked tree: a program that opens a store.
cat >"$scratch/app.cpp" <<'APP'
#include <bytestore/bytestore.hpp>
#include <iostream>
int main() {
  auto store = bytestore::open_yaml("stores: {m: {backend: memory}}\n", "m");
  store->mset({{"k", "v"}});
  std::cout << *store->mget({"k"})[0] << "\n";
}
APP
flags=$(PKG_CONFIG_PATH="$root/usr/lib/$arch/pkgconfig" pkg-config --cflags --libs bytestore)
g++ -std=c++20 "$scratch/app.cpp" $flags -o "$scratch/app"
[[ $(LD_LIBRARY_PATH="$root/usr/lib/$arch" "$scratch/app") == v ]] || fail "the pkg-config program did not read its value"
echo "check_package: $(basename "$deb") installs and runs ($(du -sh "$deb" | cut -f1))"
