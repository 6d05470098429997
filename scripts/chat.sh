#!/usr/bin/env bash
# Runs the chat demo on http://localhost:3000 (Ctrl-C stops it). Installs
# what it needs first: the pinned socket.io-client that the page uses
# (npm ci in cmd/chat, quick when done already). Flags go to the server:
#
#	./scripts/chat.sh               # WebSocket, with long-polling fallback
#	./scripts/chat.sh -polling      # long-polling only
#	./scripts/chat.sh -addr :8080   # another address
set -euo pipefail
cd "$(dirname "$0")/.."

command -v go >/dev/null || { echo "chat.sh: Go is needed: https://go.dev/dl/" >&2; exit 1; }
command -v npm >/dev/null || { echo "chat.sh: npm (Node.js) is needed to install socket.io-client" >&2; exit 1; }

want=$(node -p 'require("./cmd/chat/package.json").dependencies["socket.io-client"]')
have=$(node -p 'try { require("./cmd/chat/node_modules/socket.io-client/package.json").version } catch { "" }')
if [ "$have" != "$want" ]; then
	(cd cmd/chat && npm ci --omit=dev --no-audit --no-fund --loglevel=error)
fi
exec go run ./cmd/chat "$@"
