#!/usr/bin/env bash
# The one test command: sets up what the tests need on a fresh machine
# (pinned npm packages, pinned Go tools), runs the static checks, then every
# test under the race detector. Safe to run again: finished steps are quick.
set -euo pipefail
cd "$(dirname "$0")/.."

STATICCHECK_VERSION=v0.8.2 # staticcheck 2026.2.2

step() { printf '\n== %s\n' "$*"; }

# apt_need PACKAGE...: installs Debian packages that are missing.
apt_need() {
	local missing=()
	for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

step "set-up"
command -v node >/dev/null || apt_need nodejs npm
apt_need chromium # /usr/bin/chromium, for the chat demo's browser test
apt_need redis-server # the Redis adapter's tests start their own servers
apt_need nginx # examples/cluster runs Debian's nginx in front of its servers
(cd interop && npm ci --no-audit --no-fund --loglevel=error)
(cd cmd/chat && npm ci --no-audit --no-fund --loglevel=error)
(cd adapter/redis/internal/nodepeer/js && npm ci --no-audit --no-fund --loglevel=error)
(cd examples/cluster/node && npm ci --no-audit --no-fund --loglevel=error)
GOBIN="$PWD/.tools" go install "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION"

step "static checks"
unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then echo "gofmt would change: $unformatted"; exit 1; fi
go mod tidy -diff
go vet ./...
.tools/staticcheck ./...
(cd bench && go mod tidy -diff && go vet ./... && ../.tools/staticcheck ./...)
(cd adapter/redis && go mod tidy -diff && go vet ./... && ../../.tools/staticcheck ./...)
(cd adapter/redis/internal/clientbench && go mod tidy -diff && go vet ./...)
(cd examples/cluster && go mod tidy -diff && go vet ./... && ../../.tools/staticcheck ./...)

step "benchmarks, once each, so that they keep compiling and running"
go test -run '^$' -bench . -benchtime 1x ./...
(cd adapter/redis && go test -run '^$' -bench . -benchtime 1x ./...)

step "tests"
go test -race -count=1 ./...
# Allocation counts, which the race detector distorts (alloc_test.go).
go test -count=1 -run Allocations .
(cd bench && go test -race -count=1 ./...)
(cd adapter/redis && go test -race -count=1 ./...)
(cd examples/cluster && go test -race -count=1 ./...)
