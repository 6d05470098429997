#!/usr/bin/env bash
# Runs an official protocol test suite against interop/protocolserver.
#
#   scripts/protocol-suite.sh SOCKET_IO_CHECKOUT engineio|socketio
#
# SOCKET_IO_CHECKOUT is a checkout (or an exported tree) of the
# socketio/socket.io repository; the suite is copied from its docs folder
# into a temporary directory, so nothing of it enters this repository.
set -euo pipefail
src=${1:?usage: $0 SOCKET_IO_CHECKOUT engineio}
suite=${2:-engineio}
case "$suite" in
engineio) dir="$src/docs/engine.io-protocol/v4-test-suite" ;;
socketio) dir="$src/docs/socket.io-protocol/v5-test-suite" ;;
*) echo "unknown suite $suite (want engineio or socketio)" >&2; exit 2 ;;
esac
[ -f "$dir/test-suite.js" ] || { echo "no test suite at $dir" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
cp -r "$dir"/. "$work"
# The suite hard-codes http://localhost:3000; let URL point elsewhere.
sed -i 's#const URL = "http://localhost:3000";#const URL = process.env.URL || "http://localhost:3000";#' "$work/test-suite.js"
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$root" && go build -o "$work/protocolserver" ./interop/protocolserver)
"$work/protocolserver" -addr "127.0.0.1:$port" -suite "$suite" &
pid=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
cd "$work" && URL="http://localhost:$port" npx mocha --reporter spec test-suite.js
