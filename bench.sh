#!/usr/bin/env bash
# Runs the benchmarks and writes benchmarks/results/<date>.json, .md and .svg (a full run also updates the latest
# full run on docs/performance.md). Benchmarks measure; they are not tests: nothing here passes or fails on a figure.
#   ./bench.sh --quick   a few minutes: fewer rates, shorter windows, 2,000 idle connections (<date>-quick.*)
#   ./bench.sh           about fifteen minutes: the figures docs/performance.md shows
# It builds Release, runs the BenchmarkDotNet micro-benchmarks, then the load benchmark: our hub, a plain SignalR
# hub with groups, a naive broadcast hub and socket.io 4, each in its own process on 127.0.0.1, against the same
# load clients and workload; then the commit-to-client latency of committed PostgreSQL transactions
# (benchmarks/results/<date>[-quick]-commit-latency.md). Needs the .NET 10 SDK, Node 20 with npm, redis-server and
# PostgreSQL (both installed from apt when missing).
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

quick=()
case "${1:-}" in
  --quick) quick=(--quick) ;;
  "") ;;
  *) echo "usage: ./bench.sh [--quick]" >&2; exit 2 ;;
esac

# Every idle connection over HTTP/1.1 is a file descriptor in the server and one in the load generator: ask for
# 65,536 open files, or take the hard limit when that is lower (the load generator caps the idle scenario's
# HTTP/1.1 measurement to fit it; over HTTP/2 a hundred connections share one).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "== open files per process: $(ulimit -n)"

if ! command -v redis-server >/dev/null 2>&1; then
  echo "== installing redis-server (the two-node scenario starts its own on a free loopback port)"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q redis-server >/dev/null \
    || { $sudo apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q redis-server >/dev/null; }
fi

if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
  echo "== installing postgresql (the commit-latency benchmark starts its own cluster on a free loopback port)"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q postgresql >/dev/null \
    || { $sudo apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q postgresql >/dev/null; }
fi

echo "== build (Release)"
dotnet build QueryTags.SignalR.sln -c Release -nologo -clp:ErrorsOnly

socketio=benchmarks/socketio-server
if [ ! -d "$socketio/node_modules" ] || [ "$socketio/package-lock.json" -nt "$socketio/node_modules/.package-lock.json" ]; then
  echo "== socket.io baseline: npm ci"
  (cd "$socketio" && npm ci --no-audit --no-fund --silent)
fi

work=$(mktemp -d /tmp/querytags-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== micro-benchmarks (BenchmarkDotNet, in process)"
if ! dotnet benchmarks/QueryTags.SignalR.Benchmarks/bin/Release/net10.0/QueryTags.SignalR.Benchmarks.dll \
    "${quick[@]}" --filter '*' --artifacts "$work/micro" >"$work/micro.log" 2>&1; then
  tail -n 40 "$work/micro.log"
  exit 1
fi
grep -E '^\|' "$work/micro.log" || true

echo "== load benchmark"
dotnet benchmarks/QueryTags.SignalR.LoadTest/bin/Release/net10.0/QueryTags.SignalR.LoadTest.dll \
  run "${quick[@]}" --micro "$work/micro/results"

echo "== commit-to-client latency (PostgreSQL)"
suffix=""
[ ${#quick[@]} -gt 0 ] && suffix="-quick"
dotnet benchmarks/QueryTags.SignalR.CommitLatency/bin/Release/net10.0/QueryTags.SignalR.CommitLatency.dll \
  "${quick[@]}" --out "benchmarks/results/$(date -u +%F)$suffix-commit-latency.md"
