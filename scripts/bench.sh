#!/usr/bin/env bash
# The side-by-side benchmark: our server (bench/server) against Node's
# socket.io (bench/node), driven by the same load generator (bench/loadgen),
# each server pinned to CPU 0 and the loadgen to CPU 1. Installs what it
# needs first (npm ci in bench/node; the Go binaries), then runs
# bench/cmd/compare, whose flags it passes on. The Markdown report goes to
# stdout, the progress to stderr. See bench/README.md. The cluster workload
# (two servers on one Redis) also needs redis-server.
#
#	./scripts/bench.sh                          # everything: about 10 minutes
#	./scripts/bench.sh -quick                   # a smoke run: about 1 minute
#	./scripts/bench.sh -workloads echo,ack      # some workloads only
#	./scripts/bench.sh > report.md 2> bench.log # keep both
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "bench.sh: $*" >&2; exit 1; }
command -v go >/dev/null || die "Go is needed: https://go.dev/dl/"
command -v node >/dev/null || die "Node.js is needed for the Node peer"
command -v npm >/dev/null || die "npm is needed to install socket.io for the Node peer"
command -v taskset >/dev/null || die "taskset (util-linux) is needed to pin the processes to CPUs"
[ -d /proc/self ] || die "/proc is needed to read CPU time and RSS (Linux only)"
case " $* " in
*" -workloads"* | *" --workloads"*) ;; # the cluster workload, if chosen, needs redis-server: compare says so
*) command -v redis-server >/dev/null || die "redis-server is needed for the cluster workload (apt-get install redis-server), or choose -workloads without it" ;;
esac

# The pinned versions of the Node peer's dependencies, against those installed.
want=$(cd bench/node && node -p 'Object.entries(require("./package.json").dependencies).map(([n, v]) => n + "@" + v).join(" ")')
have=$(cd bench/node && node -p 'Object.keys(require("./package.json").dependencies).map((n) => { try { return n + "@" + require("./node_modules/" + n + "/package.json").version } catch { return "" } }).join(" ")')
if [ "$have" != "$want" ]; then
	echo "bench.sh: npm ci in bench/node" >&2
	(cd bench/node && npm ci --no-audit --no-fund --loglevel=error)
fi

bin="${BENCH_BIN:-${TMPDIR:-/tmp}/socketio-bench}"
mkdir -p "$bin"
echo "bench.sh: building into $bin" >&2
(cd bench && go build -o "$bin/" ./loadgen ./server ./cmd/compare)

exec "$bin/compare" -loadgen "$bin/loadgen" -server "$bin/server" -nodedir bench/node "$@"
