#!/usr/bin/env bash
# The packaging check: packs the solution with the README's command, checks every package, then installs the
# packages into two brand-new apps made of the README's own snippets and runs them against each other.
# Quiet on success; prints what failed (with a log tail) and, last, "packaging: N passed, N failed".
# KEEP_WORK=1 keeps the temp folder (packages, apps, logs) and prints where it is.
#
# One test each:
#   pack                      `dotnet pack QueryTags.SignalR.sln -c Release` succeeds and gives exactly one .nupkg
#                             and one .snupkg per project in src/*/, and nothing else (no tests, samples, benchmarks)
#   <id> metadata             readme, MIT licence, repository (git) and project URL, description, tags, the XML docs
#                             beside every dll, the pdb of every dll in the symbols package
#   <id> dependencies         every QueryTags.* dependency was packed too, at that version; only
#                             QueryTags.SignalR.StackExchangeRedis depends on StackExchange.Redis or on SignalR's
#                             Redis backplane (Microsoft.AspNetCore.SignalR.StackExchangeRedis), and it does
#   server quick start        README's <!-- snippet:server-quickstart --> block as Program.cs of a `dotnet new web`
#                             app on the packed QueryTags.SignalR: builds, listens, answers POST /api/todos/5/done
#   .NET client snippet       README's <!-- snippet:dotnet-client --> block as Program.cs of a `dotnet new console`
#                             app on the packed QueryTags.SignalR.Client (and Microsoft.Extensions.Logging.Console,
#                             at the ASP.NET Core version the packages use): connects to that server, prints the POST's
#                             invalidation, and is still running afterwards
#   .NET client options page  docs/dotnet-client.md's <!-- snippet:dotnet-client-options --> block, built the same way
#
# The two apps restore into a packages folder of their own, so a QueryTags package of the same version extracted
# earlier into the machine's global packages folder cannot stand in for the one just packed: QueryTags.* come
# from the fresh artifacts only (package source mapping), everything else from the machine's global packages
# folder, read as a local source, or else from nuget.org.
set -uo pipefail
shopt -s nullglob
root=$(cd "$(dirname "$0")/../.." && pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
work=$(mktemp -d /tmp/querytags-packaging.XXXXXX)
artifacts=$work/artifacts
repository_url=https://github.com/querytags/QueryTags.SignalR
redis_package=QueryTags.SignalR.StackExchangeRedis
redis_dependencies=(StackExchange.Redis Microsoft.AspNetCore.SignalR.StackExchangeRedis)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  if [ "${KEEP_WORK:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { # fail TEST REASON...
  failed=$((failed + 1))
  echo "FAIL $1: ${*:2}"
}
finish() {
  echo "packaging: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0
  exit 1
}
verdict() { # verdict TEST: passes when the array "problems" is empty, else fails and lists them
  if [ ${#problems[@]} -eq 0 ]; then pass; return; fi
  fail "$1" "${#problems[@]} problem(s)"
  printf '  %s\n' "${problems[@]}"
}
tail_log() { # tail_log FILE: the end of a log, indented
  echo "  --- last lines of $(basename "$1") ---"
  tail -n "${2:-25}" "$1" | sed 's/^/  /'
}

# ---- pack ---------------------------------------------------------------------------------------------------
packages=()
for project in "$root"/src/*/*.csproj; do packages+=("$(basename "$project" .csproj)"); done

if ! dotnet pack "$root/QueryTags.SignalR.sln" -c Release -o "$artifacts" -nologo >"$work/pack.log" 2>&1; then
  fail pack "dotnet pack failed"
  grep -E ': (error|warning) ' "$work/pack.log" | sort -u | head -n 20 | sed 's/^/  /'
  tail_log "$work/pack.log" 10
  finish
fi

declare -A version_of
problems=()
for id in "${packages[@]}"; do
  found=("$artifacts/$id".[0-9]*.nupkg)
  if [ ${#found[@]} -ne 1 ]; then
    problems+=("$id: ${#found[@]} .nupkg files (want 1)")
    continue
  fi
  version=${found[0]#"$artifacts/$id."}
  version_of[$id]=${version%.nupkg}
  [ -f "$artifacts/$id.${version_of[$id]}.snupkg" ] || problems+=("$id: no symbols package ($id.${version_of[$id]}.snupkg)")
done
for file in "$artifacts"/*; do
  name=$(basename "$file")
  known=no
  for id in "${packages[@]}"; do
    [ -n "${version_of[$id]:-}" ] || continue
    case "$name" in "$id.${version_of[$id]}.nupkg" | "$id.${version_of[$id]}.snupkg") known=yes ;; esac
  done
  [ "$known" = yes ] || problems+=("unexpected $name (only projects in src/ are packed)")
done
verdict pack

# ---- per package: metadata and dependencies -------------------------------------------------------------------
nuspec_value() { # nuspec_value ELEMENT: the text of <ELEMENT>…</ELEMENT> in $nuspec
  sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" <<<"$nuspec" | head -n 1
}

for id in "${packages[@]}"; do
  [ -n "${version_of[$id]:-}" ] || continue
  nupkg=$artifacts/$id.${version_of[$id]}.nupkg
  snupkg=$artifacts/$id.${version_of[$id]}.snupkg
  nuspec=$(unzip -p "$nupkg" "$id.nuspec" 2>/dev/null)
  files=$(unzip -Z1 "$nupkg" 2>/dev/null)
  symbol_files=$(unzip -Z1 "$snupkg" 2>/dev/null)

  problems=()
  readme=$(nuspec_value readme)
  if [ -z "$readme" ]; then
    problems+=("no readme in the nuspec (PackageReadmeFile)")
  elif [ -z "$(unzip -p "$nupkg" "$readme" 2>/dev/null)" ]; then
    problems+=("readme $readme missing or empty in the package")
  fi
  grep -qF '<license type="expression">MIT</license>' <<<"$nuspec" || problems+=("no MIT licence expression")
  grep -qE "<repository type=\"git\" url=\"$repository_url\"" <<<"$nuspec" || problems+=("no git repository URL $repository_url")
  [ "$(nuspec_value projectUrl)" = "$repository_url" ] || problems+=("project URL is not $repository_url")
  description=$(nuspec_value description)
  if [ -z "$description" ] || [ "$description" = "Package Description" ]; then problems+=("no description"); fi
  [ -n "$(nuspec_value tags)" ] || problems+=("no tags")
  dlls=$(grep -E '^lib/[^/]+/[^/]+\.dll$' <<<"$files")
  [ -n "$dlls" ] || problems+=("no assembly under lib/")
  for dll in $dlls; do
    grep -qxF "${dll%.dll}.xml" <<<"$files" || problems+=("no XML docs ${dll%.dll}.xml")
    grep -qxF "${dll%.dll}.pdb" <<<"$symbol_files" || problems+=("no ${dll%.dll}.pdb in the symbols package")
  done
  verdict "$id metadata"

  problems=()
  depends_on_redis=no
  while read -r dependency range; do
    [ -n "$dependency" ] || continue
    for redis in "${redis_dependencies[@]}"; do
      [ "$dependency" = "$redis" ] || continue
      depends_on_redis=yes
      [ "$id" = "$redis_package" ] || problems+=("depends on $dependency (only $redis_package may)")
    done
    if [[ $dependency == QueryTags.* ]]; then
      lowest=${range#\[}
      lowest=${lowest%%,*}
      lowest=${lowest%\]}
      [ -f "$artifacts/$dependency.$lowest.nupkg" ] || problems+=("depends on $dependency $range, which was not packed")
    fi
  done < <(grep -oE '<dependency id="[^"]+" version="[^"]+"' <<<"$nuspec" | sed -E 's/<dependency id="([^"]+)" version="([^"]+)"/\1 \2/')
  if [ "$id" = "$redis_package" ] && [ "$depends_on_redis" = no ]; then
    problems+=("depends on none of ${redis_dependencies[*]}")
  fi
  verdict "$id dependencies"
done

# ---- the README's snippets as brand-new apps on the packed packages ----------------------------------------------
snippet() { # snippet NAME: the code between <!-- snippet:NAME --> and <!-- /snippet --> in README.md or docs/*.md, fences dropped
  awk -v start="<!-- snippet:$1 -->" '
    $0 == start { inside = 1; next }
    inside && $0 == "<!-- /snippet -->" { exit }
    inside && /^```/ { next }
    inside { print }' "$root/README.md" "$root"/docs/*.md
}

# Nothing above the temp folder (a stray Directory.Build.props in /tmp) reaches the apps.
for file in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' >"$work/$file"; done
machine_packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
machine_source=""
if [ -d "$machine_packages" ]; then
  machine_source="<add key=\"machine-packages\" value=\"$machine_packages\" />"
  machine_mapping="<packageSource key=\"machine-packages\"><package pattern=\"*\" /></packageSource>"
fi
cat >"$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="artifacts" value="$artifacts" />
    ${machine_source}
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
  <packageSourceMapping>
    <packageSource key="artifacts"><package pattern="QueryTags.*" /></packageSource>
    ${machine_source:+$machine_mapping}
    <packageSource key="nuget.org"><package pattern="*" /></packageSource>
  </packageSourceMapping>
</configuration>
EOF

# The version of ASP.NET Core (and so of Microsoft.Extensions.*) the packages are built on.
aspnetcore_version=$(sed -n 's:.*<AspNetCoreVersion>\(.*\)</AspNetCoreVersion>.*:\1:p' "$root/Directory.Packages.props")

new_app() { # new_app TEMPLATE NAME SNIPPET PACKAGE [OTHER@VERSION...]: creates, restores and builds $work/NAME; its log is $work/NAME.log
  local dir=$work/$2 log=$work/$2.log code other
  code=$(snippet "$3")
  if [ -z "$code" ]; then
    echo "README.md has no <!-- snippet:$3 --> … <!-- /snippet --> block" >"$log"
    return 1
  fi
  {
    dotnet new "$1" -n "$2" -o "$dir" --no-restore \
      && printf '%s\n' "$code" >"$dir/Program.cs" \
      && dotnet add "$dir/$2.csproj" package "$4" --version "${version_of[$4]:?$4 was not packed}" --no-restore \
      && for other in "${@:5}"; do dotnet add "$dir/$2.csproj" package "${other%@*}" --version "${other#*@}" --no-restore || return 1; done \
      && dotnet restore "$dir" --packages "$work/packages" \
      && dotnet build "$dir" --no-restore -nologo -clp:ErrorsOnly
  } >"$log" 2>&1
}

# Both apps build at once (they share nothing but the packages folder, which NuGet locks).
new_app web QuickStart server-quickstart QueryTags.SignalR &
server_build=$!
# The snippet logs to the console, as its comment says.
new_app console ClientSnippet dotnet-client QueryTags.SignalR.Client "Microsoft.Extensions.Logging.Console@$aspnetcore_version" &
client_build=$!
new_app console ClientOptionsPage dotnet-client-options QueryTags.SignalR.Client "Microsoft.Extensions.Logging.Console@$aspnetcore_version" &
options_build=$!
wait "$server_build"; server_built=$?
wait "$client_build"; client_built=$?
wait "$options_build"; options_built=$?
if [ "$options_built" -ne 0 ]; then
  fail ".NET client options page" "docs/dotnet-client.md's full example did not build"
  tail_log "$work/ClientOptionsPage.log"
else
  pass
fi

server_url=""
if [ "$server_built" -ne 0 ]; then
  fail "server quick start" "the app did not build"
  tail_log "$work/QuickStart.log"
else
  (cd "$work/QuickStart" && exec dotnet bin/Debug/net10.0/QuickStart.dll --urls http://127.0.0.1:0) >"$work/server.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 1 60); do
    server_url=$(grep -oE 'Now listening on: http://127\.0\.0\.1:[0-9]+' "$work/server.log" | head -n 1 | sed 's/Now listening on: //')
    [ -n "$server_url" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.5
  done
  if [ -z "$server_url" ]; then
    fail "server quick start" "the app did not start listening"
    tail_log "$work/server.log"
  else
    status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$server_url/api/todos/5/done")
    if [ "$status" = 204 ]; then
      pass
    else
      fail "server quick start" "POST /api/todos/5/done answered $status, not 204"
      tail_log "$work/server.log"
    fi
  fi
fi

if [ "$client_built" -ne 0 ]; then
  fail ".NET client snippet" "the app did not build"
  tail_log "$work/ClientSnippet.log"
elif [ -z "$server_url" ]; then
  fail ".NET client snippet" "no server quick start to connect to"
else
  (cd "$work/ClientSnippet" && exec dotnet bin/Debug/net10.0/ClientSnippet.dll "$server_url/hubs/invalidation") >"$work/client.log" 2>&1 &
  client_pid=$!
  pids+=("$client_pid")
  # The client prints nothing machine-readable when it has subscribed, so the POST repeats until it hears one.
  heard=no
  for _ in $(seq 1 60); do
    kill -0 "$client_pid" 2>/dev/null || break
    curl -s -o /dev/null -X POST "$server_url/api/todos/5/done"
    sleep 0.5
    if grep -qE '^refetch .*\["todo",5\]' "$work/client.log"; then heard=yes; break; fi
  done
  if [ "$heard" = no ]; then
    fail ".NET client snippet" "the console app printed no invalidation of [\"todo\",5]"
    tail_log "$work/client.log"
    tail_log "$work/server.log" 10
  elif ! kill -0 "$client_pid" 2>/dev/null; then
    fail ".NET client snippet" "the console app exited instead of running until Ctrl+C"
    tail_log "$work/client.log"
  else
    pass
  fi
  kill "$client_pid" 2>/dev/null; wait "$client_pid" 2>/dev/null
fi
if [ -n "${server_pid:-}" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi

finish
