#!/usr/bin/env bash
# Every screenshot the metainfo names must be in data/screenshots/ as a PNG
# (published under the homepage from there).  Skipped (77) until the folder
# exists.
set -uo pipefail

top=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
metainfo="$top/data/org.involve.Involve.metainfo.xml.in"
dir="$top/data/screenshots"

names=$(grep -oE '<image>[^<]*/screenshots/[^<]+</image>' "$metainfo" | sed -E 's|.*/screenshots/([^<]+)</image>|\1|')
if [ ! -d "$dir" ]; then
  echo "SKIP: there is no data/screenshots/ yet; the metainfo names: $(echo $names)"
  exit 77
fi
status=0
for n in $names; do
  f="$dir/$n"
  if [ ! -f "$f" ]; then
    echo "MISSING: data/screenshots/$n (named in the metainfo)"; status=1
  elif [ "$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
    echo "NOT A PNG: data/screenshots/$n"; status=1
  else
    echo "ok: data/screenshots/$n"
  fi
done
exit $status
