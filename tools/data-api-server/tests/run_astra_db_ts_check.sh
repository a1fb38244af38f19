#!/usr/bin/env bash
# Runs astra_db_ts_check.mjs against a fresh bytestore-data-api-server.
# usage: run_astra_db_ts_check.sh SERVER_BINARY WORK_DIR
# Installs @datastax/astra-db-ts (package-lock.json) into WORK_DIR, never
# into the source tree. Exits 77 (skipped) when node/npm or the npm
# registry are not available.
set -euo pipefail

server=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  echo "SKIP: node and npm are needed for the astra-db-ts check"
  exit 77
fi

mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$here/astra_db_ts_check.mjs" "$work/"
cd "$work"
if ! cmp -s package-lock.json node_modules/.installed-package-lock.json 2> /dev/null; then
  if ! npm ci --no-audit --no-fund > npm.log 2>&1; then
    echo "SKIP: 'npm ci' failed (is the npm registry reachable?); its log:"
    tail -n 20 npm.log
    exit 77
  fi
  cp package-lock.json node_modules/.installed-package-lock.json
fi

user=ts-check-user
password=ts-check-password
# The file exists before the server starts, so reading it never races the
# redirection (head on a missing file would end the script under set -e).
: > server.out
"$server" --token unused-in-this-check --user "$user" --password "$password" > server.out 2> server.err &
pid=$!
trap 'kill "$pid" 2> /dev/null || true; wait "$pid" 2> /dev/null || true' EXIT

line=
for _ in $(seq 100); do
  line=$(head -n 1 server.out || true)
  [[ -n $line ]] && break
  sleep 0.1
done
if [[ $line != "listening on 127.0.0.1:"* ]]; then
  echo "the server did not start: '$line'"
  cat server.err
  exit 1
fi

DATA_API_URL="http://${line#listening on }" DATA_API_USER=$user DATA_API_PASSWORD=$password \
  node astra_db_ts_check.mjs
