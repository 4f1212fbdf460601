#!/usr/bin/env bash
# Involve never uses the network.  Fails when
#   - the source (src/) names a socket, resolver or HTTP API, or
#   - a built program imports such a function (nm -D --undefined-only).
# usage: check-no-sockets.sh SOURCE_ROOT [PROGRAM...]
set -uo pipefail

top=$1; shift
status=0

pattern='(^|[^A-Za-z0-9_])(socket|socketpair|connect|bind|listen|accept|accept4|getaddrinfo|gethostbyname|gethostbyname2|sendto|recvfrom)[[:space:]]*\(|GSocket|g_socket_|GResolver|g_resolver_|GNetworkMonitor|g_network_|GDBusServer|SoupSession|soup_|curl_'
hits=$(grep -rnE "$pattern" "$top/src" --include='*.c' --include='*.h' \
       | grep -vE ':[0-9]+:[[:space:]]*(/?\*|//)' || true)
if [ -n "$hits" ]; then
  echo "FAIL: network code in src/:"
  printf '%s\n' "$hits"
  status=1
else
  echo "ok: no socket, resolver or HTTP code in src/"
fi

symbols='^(socket|socketpair|connect|bind|listen|accept|accept4|getaddrinfo|gethostbyname|gethostbyname2|sendto|recvfrom|g_socket_.*|g_resolver_.*|g_network_.*|soup_.*|curl_.*)(@.*)?$'
for prog in "$@"; do
  bad=$(nm -D --undefined-only "$prog" | awk '{print $NF}' | grep -E "$symbols" || true)
  if [ -n "$bad" ]; then
    echo "FAIL: $(basename "$prog") imports network functions: $(echo $bad)"
    status=1
  else
    echo "ok: $(basename "$prog") imports no network function"
  fi
done
exit $status
