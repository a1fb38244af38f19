#!/bin/sh
# Each program prints exactly "NAME VERSION" for --version and exits 0.
set -eu
version=$1
shift
for program in "$@"; do
  name=$(basename "$program")
  got=$("$program" --version)
  [ "$got" = "$name $version" ] || { echo "$program --version printed '$got', not '$name $version'"; exit 1; }
  echo "$got"
done
