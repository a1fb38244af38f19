#!/usr/bin/env bash
# Builds the Debian package: a Release build installed under /usr, packed
# by CPack into build/package/bytestore_<version>_<arch>.deb.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# -O2 -g, as Debian builds its packages (dpkg-buildflags), stripped when
# packed; GCC 12 at -O3 also warns falsely about std::string copies
# (-Wrestrict), which -Werror stops. The same flags as test.sh's release
# tree, so the compiler cache serves both.
source tools/ccache.sh
cmake -S . -B build/package-build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -g -DNDEBUG" "-DCMAKE_C_FLAGS_RELEASE=-O2 -g -DNDEBUG" "${ccache_flags[@]}" \
  -DBYTESTORE_BUILD_TESTS=OFF -DBYTESTORE_BUILD_CONFORMANCE=ON -DBYTESTORE_BUILD_BENCH=OFF -DBYTESTORE_WERROR=ON \
  >build/package-build.configure.log 2>&1 || { cat build/package-build.configure.log; exit 1; }
ninja -C build/package-build
mkdir -p build/package
(cd build/package-build && cpack -G DEB -B "$root/build/package" >"$root/build/package/cpack.log" 2>&1) ||
  { cat build/package/cpack.log; exit 1; }
deb=$(ls build/package/bytestore_*.deb)
echo "package: $deb"
