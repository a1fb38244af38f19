#!/usr/bin/env bash
# Installs the Debian 12 packages bytestore builds and tests with.
# Skips apt entirely when everything is already there.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libyaml-cpp-dev liblmdb-dev
  libsqlite3-dev libcurl4-openssl-dev libgtest-dev libgmock-dev libbenchmark-dev
  sqlite3 lmdb-utils clang-14 libclang-rt-14-dev libzstd-dev libsodium-dev
  python3 libpq-dev postgresql-15 python3-psycopg2 openssl dpkg-dev man-db
  libhiredis-dev redis-server redis-tools python3-redis ccache
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) != 0 ]]; then SUDO=sudo; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
