#!/usr/bin/env bash
# The one test command: restores, builds and runs every suite, then prints "N passed, N failed".
# Installs what the suites need when it is missing. Every server it starts binds to loopback and is stopped.
set -uo pipefail
cd "$(dirname "$0")"
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work=$(mktemp -d /tmp/querytags-test.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
record() { # record SUITE PASSED FAILED
  passed=$((passed + $2)); failed=$((failed + $3))
  echo "== $1: $2 passed, $3 failed"
}

# redis-server: the scale-out tests start their own on a free loopback port (never a system service).
# postgresql: the PostgreSQL tests make their own cluster with initdb in a temp folder and run it on a free loopback
# port (never the package's own cluster); Debian keeps initdb off PATH, in /usr/lib/postgresql/<major>/bin.
# chromium: the TodoApp's browser test drives Debian's, at /usr/bin/chromium.
install_missing() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
  [ ${#missing[@]} -eq 0 ] && return
  echo "== installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q "${missing[@]}" >"$work/apt.log" 2>&1 \
    || { $sudo apt-get update -q >>"$work/apt.log" 2>&1 && $sudo apt-get install -y -q "${missing[@]}" >>"$work/apt.log" 2>&1; } \
    || { tail -n 20 "$work/apt.log"; echo "could not install ${missing[*]}"; }
}
install_missing

# ---- docs checks: tests/Docs/*.mjs ---------------------------------------------------------------------------
# check-links.mjs: every relative link in README.md and docs/*.md resolves: the file it names exists, and an #anchor
# names a heading of that Markdown file as GitHub renders it. check-vocabulary.mjs: the Vocabulary table of
# docs/architecture.md names every public C# type (src/*/PublicAPI.*.txt) and every export of the npm package's
# entries, each in its language's column, and every name it gives still exists. check-hints.mjs: docs/troubleshooting.md
# shows every failure hint of tests/vectors/client.json as each client words it. Each counted as one test; each
# problem is printed. Both need only node, so they run before the build.
docs_check() { # docs_check NAME SCRIPT: runs tests/Docs/SCRIPT, whose last line is "NAME: summary"
  local out
  echo "== docs: $1"
  if out=$(node "tests/Docs/$2" 2>&1); then
    record "docs $1 ($(tail -n 1 <<<"$out" | sed "s/^$1: //"))" 1 0
  else
    grep -v "^$1: " <<<"$out"
    record "docs $1" 0 1
  fi
}
docs_check links check-links.mjs
docs_check vocabulary check-vocabulary.mjs
docs_check hints check-hints.mjs
# ---- end of docs checks ---------------------------------------------------------------------------------------

echo "== restore and build"
if ! dotnet build QueryTags.SignalR.sln -c Debug -nologo -clp:ErrorsOnly 2>&1 | tail -n 40; then :; fi
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  record build 0 1
  echo "$passed passed, $failed failed"
  exit 1
fi

run_dotnet_suite() { # run_dotnet_suite PROJECT
  local name log summary p f
  name=$(basename "$1")
  log="$work/$name.log"
  echo "== $name"
  dotnet test "$1" --no-build -nologo --logger "console;verbosity=normal" >"$log" 2>&1
  local rc=$?
  grep -E -A 8 '^\s+Failed QueryTags\.' "$log" | head -n 80
  # vstest's closing block: "Total tests: N", "Passed: N", "Failed: N" (a line only when non-zero).
  summary=$(grep -E '^Total tests: +[0-9]+' "$log" | tail -n 1)
  if [ -z "$summary" ]; then
    tail -n 30 "$log"
    record "$name" 0 1
    return
  fi
  p=$(grep -E '^ +Passed: +[0-9]+$' "$log" | tail -n 1 | grep -oE '[0-9]+')
  f=$(grep -E '^ +Failed: +[0-9]+$' "$log" | tail -n 1 | grep -oE '[0-9]+')
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  record "$name" "$p" "$f"
}

run_dotnet_suite tests/QueryTags.SignalR.Tests
# The functional suite writes what it measured (slow-reader publish latencies, heap per connection at the budget, the
# fuzz run's counts and memory) to this file; it is printed after the suite's counts.
export QUERYTAGS_MEASUREMENTS="$work/measurements.txt"
run_dotnet_suite tests/QueryTags.SignalR.FunctionalTests
if [ -s "$QUERYTAGS_MEASUREMENTS" ]; then
  echo "== measured by the functional suite"
  sed 's/^/   /' "$QUERYTAGS_MEASUREMENTS"
fi
unset QUERYTAGS_MEASUREMENTS

# ---- packaging: tests/Packaging/check-packages.sh --------------------------------------------------------------
# Packs every project in src/ (Release, into a temp folder), checks each package's metadata and dependencies, then
# compiles every C# snippet of README.md and docs/*.md on the packed packages (each marked with how) and runs the
# README's server quick start and .NET client snippet as brand-new apps, against each other. It prints only what
# failed, and last "packaging: N passed, N failed".
packaging() {
  local log="$work/packaging.log" started=$SECONDS rc summary p f
  echo "== packaging: pack, inspect, install into new apps"
  tests/Packaging/check-packages.sh >"$log" 2>&1
  rc=$?
  grep -vE '^packaging: [0-9]+ passed, [0-9]+ failed$' "$log"
  summary=$(grep -E '^packaging: [0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
  if [ -z "$summary" ]; then
    record packaging 0 1; return
  fi
  p=$(sed -E 's/^packaging: ([0-9]+) passed.*/\1/' <<<"$summary")
  f=$(sed -E 's/.* ([0-9]+) failed$/\1/' <<<"$summary")
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  record "packaging ($((SECONDS - started)) s)" "$p" "$f"
}
packaging
# ---- end of packaging ---------------------------------------------------------------------------------------------

# ---- npm client: clients/query-tags-signalr ------------------------------------------------------------
# Installs (npm ci) when node_modules is missing or older than package-lock.json, builds and type-checks,
# runs Vitest (its integration tests start the TestServer the solution build made, and stop it), then the pack
# check: npm pack (prepack included), the tarball's files and the manifest, and an install into a fresh Vite +
# React app where both entries import in Node, a consumer compiles under tsc --strict, and tsc and vite build
# pass (each counted; its last line gives the counts).
js_client() {
  local dir="$root/clients/query-tags-signalr" report="$work/vitest.json" rc counts p f summary
  echo "== npm client: install, build, type-check"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    if ! (cd "$dir" && npm ci --no-audit --no-fund) >"$work/npm-ci.log" 2>&1; then
      tail -n 30 "$work/npm-ci.log"; record "npm client install" 0 1; return
    fi
  fi
  if ! (cd "$dir" && npm run --silent build && npm run --silent typecheck) >"$work/npm-build.log" 2>&1; then
    tail -n 40 "$work/npm-build.log"; record "npm client build" 0 1; return
  fi

  echo "== npm client: vitest"
  (cd "$dir" && NO_COLOR=1 npx vitest run --reporter=default --reporter=json --outputFile.json="$report") 2>&1 | grep -v '^npm warn'
  rc=${PIPESTATUS[0]}
  counts=$(node -e 'const r = require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests)' "$report" 2>/dev/null)
  if [ -z "$counts" ]; then
    record "npm client vitest" 0 1
  else
    read -r p f <<<"$counts"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    record "npm client vitest" "$p" "$f"
  fi

  echo "== npm client: pack, install into a fresh Vite app, build it"
  (cd "$dir" && node scripts/pack-check.mjs) 2>&1 | tee "$work/pack-check.log" | grep -v '^npm warn'
  rc=${PIPESTATUS[0]}
  summary=$(grep -E '^pack check: .*, [0-9]+ passed, [0-9]+ failed$' "$work/pack-check.log" | tail -n 1)
  if [ -z "$summary" ]; then
    record "npm pack check" 0 1
  else
    p=$(sed -E 's/.*, ([0-9]+) passed, ([0-9]+) failed$/\1/' <<<"$summary")
    f=$(sed -E 's/.*, ([0-9]+) passed, ([0-9]+) failed$/\2/' <<<"$summary")
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    record "npm pack check" "$p" "$f"
  fi
}
js_client
# ---- end of npm client ------------------------------------------------------------------------------------

# ---- TodoApp SPA: samples/TodoApp/ClientApp ----------------------------------------------------------------
# The solution build installed and built the SPA (TodoApp.csproj's ClientApp.targets: npm ci, npm run build when
# stale). The browser test starts the built TodoApp on a free loopback port with a fresh database and drives
# Debian's Chromium (installed above) in two browser contexts over every transport x protocol, then four tabs of one
# browser on one shared hub connection, the persisted cache, and a page back at once (Chromium firing online and a
# back/forward cache restore through CDP), then stops both.
# Its node:test TAP summary gives the counts.
todoapp_e2e() {
  local dir="$root/samples/TodoApp/ClientApp" tap="$work/e2e.tap" rc p f started=$SECONDS
  echo "== TodoApp SPA: two browser windows, every transport x protocol; four tabs on one connection (Chromium)"
  (cd "$dir" && node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$tap" e2e/twoWindows.test.mjs e2e/persistedCache.test.mjs e2e/pageReturns.test.mjs)
  rc=$?
  p=$(grep -E '^# pass [0-9]+$' "$tap" 2>/dev/null | grep -oE '[0-9]+')
  f=$(grep -E '^# fail [0-9]+$' "$tap" 2>/dev/null | grep -oE '[0-9]+')
  if [ -z "$p" ] || [ -z "$f" ]; then
    record "TodoApp e2e" 0 1; return
  fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  record "TodoApp e2e ($((SECONDS - started)) s)" "$p" "$f"
}
todoapp_e2e
# ---- end of TodoApp SPA ------------------------------------------------------------------------------------

# The sample is the main job: it must start from a fresh database and take a POST.
sample_smoke() {
  echo "== samples/TodoApp smoke"
  local log="$work/todoapp.log" url="" status
  dotnet run --no-build --project samples/TodoApp -- --urls http://127.0.0.1:0 \
    "--ConnectionStrings:Todos=Data Source=$work/todos.db" >"$log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  for _ in $(seq 1 120); do
    url=$(grep -oE 'Now listening on: http://127\.0\.0\.1:[0-9]+' "$log" | head -n 1 | sed 's/Now listening on: //')
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if [ -z "$url" ]; then
    cat "$log"; record "TodoApp smoke" 0 1; return
  fi
  status=$(curl -s -o "$work/post.json" -w '%{http_code}' -X POST "$url/api/todos" \
    -H 'Content-Type: application/json' -d '{"title":"smoke test"}')
  if [ "$status" = 201 ] && grep -q '"smoke test"' "$work/post.json" \
    && [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/api/todos" -H 'Content-Type: application/json' -d '{"title":""}')" = 400 ]; then
    record "TodoApp smoke" 1 0
  else
    echo "POST /api/todos answered $status: $(cat "$work/post.json")"; record "TodoApp smoke" 0 1
  fi
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
}
sample_smoke

# ---- load generator smoke: benchmarks/QueryTags.SignalR.LoadTest ------------------------------------------
# A few seconds against our hub in its own process (20 connections over two loopback source addresses:
# broadcast, targeted, churn), so the load generator never rots. It passes when deliveries arrived and nothing
# failed; no timing is checked (./bench.sh measures, nothing asserts a figure). Then SIGTERM to a server with
# 1,000 connections of the .NET client: it prints how long the process took to exit (it fails only past 15 s, half
# the host's shutdown timeout). Counted as one test.
load_smoke() {
  echo "== load generator smoke"
  if timeout 240 dotnet run --no-build --project benchmarks/QueryTags.SignalR.LoadTest -- smoke >"$work/load-smoke.log" 2>&1; then
    grep '^drain' "$work/load-smoke.log" | sed 's/^/   /'
    record "load generator smoke" 1 0
  else
    tail -n 30 "$work/load-smoke.log"; record "load generator smoke" 0 1
  fi
}
load_smoke
# ---- end of load generator smoke --------------------------------------------------------------------------

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
