#!/usr/bin/env bash
# Portable mode: with --portable DIR (or INVOLVE_PORTABLE_DIR) the CLI keeps
# the register under DIR/data and writes nothing to the home folder.
# usage: check-portable.sh PATH/TO/involve-cli
set -uo pipefail

cli=$(readlink -f "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/home/.local/share" XDG_CONFIG_HOME="$tmp/home/.config"
unset INVOLVE_PORTABLE_DIR
mkdir -p "$HOME"
status=0

paths=$("$cli" --portable "$tmp/stick" paths)
if ! grep -qx "register: $tmp/stick/data/register.sqlite" <<<"$paths"; then
  echo "FAIL: --portable does not move the register:"; echo "$paths"; status=1
fi
paths=$(INVOLVE_PORTABLE_DIR="$tmp/env" "$cli" paths)
if ! grep -qx "register: $tmp/env/data/register.sqlite" <<<"$paths"; then
  echo "FAIL: INVOLVE_PORTABLE_DIR does not move the register:"; echo "$paths"; status=1
fi

commands=$("$cli" --help 2>&1 | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
if grep -qx demo <<<"$commands" && grep -qx list <<<"$commands"; then
  "$cli" --portable "$tmp/stick" demo >/dev/null || { echo "FAIL: demo in portable mode"; status=1; }
  [ -f "$tmp/stick/data/register.sqlite" ] || { echo "FAIL: no register in $tmp/stick/data"; status=1; }
  n=$("$cli" --portable "$tmp/stick" list | wc -l)
  [ "$n" -gt 0 ] || { echo "FAIL: the portable register lists no record"; status=1; }
  left=$(find "$HOME" -mindepth 1 | head -5)
  if [ -n "$left" ]; then
    echo "FAIL: portable mode wrote to the home folder:"; echo "$left"; status=1
  else
    echo "ok: demo and list ($n records) in $tmp/stick/data; nothing in the home folder"
  fi
else
  echo "note: this build has no demo/list command; checked the paths only"
fi
[ $status -eq 0 ] && echo "ok: portable mode"
exit $status
