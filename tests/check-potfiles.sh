#!/usr/bin/env bash
# Fails when a file with translatable strings is missing from po/POTFILES.in,
# when POTFILES.in names a file that does not exist, or when it is not sorted.
#
# A file has translatable strings when it is
#   - C source using _( N_( C_( NC_( Q_( ngettext( g_dngettext(,
#   - a GtkBuilder .ui file with translatable="yes",
#   - a .desktop.in or .metainfo.xml.in / .appdata.xml.in file,
#   - a GSettings schema (.gschema.xml) with a <summary> or <description>,
#   - any other data file (XML) with translatable="yes", or whose root
#     element has extraction rules of ours in po/its/*.loc (the form
#     definitions, frameworks and reference lists).
# Tests, benchmarks, fuzz targets and tools are not translated.
set -euo pipefail

top=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
cd "$top"
potfiles=po/POTFILES.in
status=0

listed=$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$potfiles" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//')

# Every project file, tracked or new, without build folders.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  all=$(git ls-files --cached --others --exclude-standard)
else
  all=$(find . -path ./.git -prune -o -path './_*' -prune -o -path './build*' -prune \
          -o -type f -print | sed 's|^\./||')
fi
candidates=$(printf '%s\n' "$all" | grep -v -E '^(tests|bench|fuzz|tools|po|\.ci|help)/' | sort -u || true)

# Root elements that po/its/*.loc gives rules for.
its_roots=$(cat po/its/*.loc 2>/dev/null | grep -oE 'localName="[^"]+"' | sed 's/localName="//; s/"$//' | sort -u)

root_has_rules () {   # root_has_rules FILE: its root element is one of ours
  [ -n "$its_roots" ] || return 1
  local root
  root=$(xmllint --nonet --xpath 'local-name(/*)' "$1" 2>/dev/null) || return 1
  grep -qxF "$root" <<<"$its_roots"
}

needs=()
while IFS= read -r f; do
  [ -n "$f" ] && [ -f "$f" ] || continue
  case "$f" in
    *.c|*.h)
      if grep -q -E '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|Q_|ngettext|g_dngettext|g_dpgettext2)[[:space:]]*\(' "$f"; then
        needs+=("$f")
      fi ;;
    *.desktop.in|*.metainfo.xml.in|*.appdata.xml.in)
      needs+=("$f") ;;
    *.gschema.xml)
      if grep -q -E '<(summary|description)' "$f"; then needs+=("$f"); fi ;;
    *.ui|*.xml|*.xml.in)
      if grep -q 'translatable="yes"' "$f" || root_has_rules "$f"; then needs+=("$f"); fi ;;
  esac
done <<< "$candidates"

for f in "${needs[@]}"; do
  if ! grep -qxF "$f" <<<"$listed"; then
    echo "MISSING from $potfiles: $f (it has translatable strings)"
    status=1
  fi
done

while IFS= read -r f; do
  [ -n "$f" ] || continue
  if [ ! -f "$f" ]; then
    echo "STALE in $potfiles: $f does not exist"
    status=1
  fi
done <<< "$listed"

if [ "$listed" != "$(printf '%s\n' "$listed" | LC_ALL=C sort)" ]; then
  echo "UNSORTED: $potfiles must be sorted (LC_ALL=C sort); expected:"
  printf '%s\n' "$listed" | LC_ALL=C sort | sed 's/^/  /'
  status=1
fi

if [ $status -eq 0 ]; then
  echo "ok: $(printf '%s\n' "$listed" | grep -c .) files listed, ${#needs[@]} need translation, none missing"
fi
exit $status
