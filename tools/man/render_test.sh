#!/bin/sh
# Renders one man page; fails on any warning from man or groff, or an
# empty page.
set -eu
page=$1
out=$(MANWIDTH=80 man --warnings -l "$page" 2>"$page.warnings")
if [ -s "$page.warnings" ]; then
  cat "$page.warnings"
  exit 1
fi
lines=$(printf '%s\n' "$out" | wc -l)
[ "$lines" -gt 10 ] || { echo "$page renders to $lines lines"; exit 1; }
printf '%s\n' "$out" | grep -q "NAME" || { echo "$page has no NAME section"; exit 1; }
echo "$page: $lines lines, no warnings"
