#!/usr/bin/env bash
# Builds the translation template from po/POTFILES.in into a temporary file
# (the same xgettext keywords as meson's glib preset, which `ninja
# involve-pot` uses) and fails when xgettext fails or the template is empty.
set -euo pipefail

top=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
out=$(mktemp --suffix=.pot)
trap 'rm -f "$out"' EXIT

GETTEXTDATADIRS="$top/po${GETTEXTDATADIRS:+:$GETTEXTDATADIRS}" \
  xgettext --package-name=involve --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  --directory="$top" --files-from="$top/po/POTFILES.in" --output="$out"

n=$(grep -c '^msgid "' "$out" || true)
if [ "$n" -lt 2 ]; then
  echo "the template has no messages"
  exit 1
fi
msgfmt --check-format -o /dev/null "$out" 2>&1 | grep -v -e 'CHARSET' -e 'header field' || true
echo "ok: template built with $((n - 1)) messages"
