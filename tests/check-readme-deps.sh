#!/usr/bin/env bash
# README.md's table of Debian packages must list exactly what
# .ci/install-deps installs: a user without sudo hands that table to IT.
set -euo pipefail

top=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

script=$(sed -n '/^packages=(/,/^)/p' "$top/.ci/install-deps" | sed 's/#.*//' \
         | tr ' ()' '\n\n\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' | grep -vx packages | sort -u)
readme=$(sed -n '/^| what for | packages |/,/^$/p' "$top/README.md" \
         | grep -oE '`[^`]+`' | tr -d '`' | tr ' ' '\n' | grep . | sort -u)

if [ -z "$script" ] || [ -z "$readme" ]; then
  echo "could not read the package lists (install-deps: $(echo "$script" | wc -w), README: $(echo "$readme" | wc -w))"
  exit 1
fi
only_script=$(comm -23 <(echo "$script") <(echo "$readme"))
only_readme=$(comm -13 <(echo "$script") <(echo "$readme"))
if [ -n "$only_script$only_readme" ]; then
  [ -z "$only_script" ] || echo "installed by .ci/install-deps but not in README.md: $(echo $only_script)"
  [ -z "$only_readme" ] || echo "in README.md but not installed by .ci/install-deps: $(echo $only_readme)"
  exit 1
fi
echo "ok: README.md and .ci/install-deps list the same $(echo "$script" | wc -l) packages"
