#!/usr/bin/env bash
# Runs an official protocol test suite against interop/protocolserver.
#
#   scripts/protocol-suite.sh SOCKET_IO_CHECKOUT engineio|engineio3|socketio
#
# SOCKET_IO_CHECKOUT is a checkout (or an exported tree) of the
# socketio/socket.io repository; the suite is copied from its docs folder
# into a temporary directory, so nothing of it enters this repository.
set -euo pipefail
src=${1:?usage: $0 SOCKET_IO_CHECKOUT engineio}
suite=${2:-engineio}
case "$suite" in
engineio) dir="$src/docs/engine.io-protocol/v4-test-suite" ;;
engineio3) dir="$src/docs/engine.io-protocol/v3-test-suite" ;;
socketio) dir="$src/docs/socket.io-protocol/v5-test-suite" ;;
*) echo "unknown suite $suite (want engineio, engineio3 or socketio)" >&2; exit 2 ;;
esac
[ -f "$dir/test-suite.js" ] || { echo "no test suite at $dir" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r "$dir"/. "$work"
# The suite hard-codes http://localhost:3000; let URL point elsewhere.
sed -i 's#const URL = "http://localhost:3000";#const URL = process.env.URL || "http://localhost:3000";#' "$work/test-suite.js"
if [ "$suite" = engineio3 ] && [ -z "${SUITE_AS_IS:-}" ]; then
	# The v3 suite attaches its WebSocket "message" listener only once
	# "open" has fired, and so misses a message that arrives in the same
	# read as the 101 response (ws emits it first): a race with the
	# network, which the server cannot close. The v4 suite had the same
	# and was fixed upstream by buffering each socket's events
	# (createWebSocket); apply that fix to the v3 copy. SUITE_AS_IS=1 runs
	# it unchanged.
	python3 - "$work/test-suite.js" "$dir/../v4-test-suite/test-suite.js" <<'PY'
import re, sys
v3, v4 = sys.argv[1], sys.argv[2]
src, fix = open(v3).read(), open(v4).read()
helpers = fix[fix.index("function createWebSocket("):fix.index("async function initLongPollingSession")]
start = src.index("function waitFor(")
end = src.index("function decodePayload(")
src = src[:start] + helpers + src[end:]
src = src.replace("new WebSocket(", "createWebSocket(").replace("function createWebSocket(url) {\n  const socket = createWebSocket(url);", "function createWebSocket(url) {\n  const socket = new WebSocket(url);")
open(v3, "w").write(src)
PY
fi
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$root" && go build -o "$work/protocolserver" ./interop/protocolserver)
"$work/protocolserver" -addr "127.0.0.1:$port" -suite "$suite" &
pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
# The v3 suite leaves WebSockets open: mocha would not exit without --exit.
cd "$work" && URL="http://localhost:$port" npx mocha --exit --reporter spec test-suite.js
