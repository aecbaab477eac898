#!/usr/bin/env bash
# The packaging check: packs the solution with the README's command, checks every package, then compiles every C#
# snippet of README.md and docs/*.md on the packed packages and runs the README's server and .NET client against each
# other.
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
#   docs snippets: every C# block is marked
#                             every ```csharp block of README.md and docs/*.md sits between <!-- snippet:NAME KIND -->
#                             and <!-- /snippet -->, with a kind this check knows, and a name no other block has
#   docs snippets build       the blocks of kinds statements(...) and types, compiled together in one new app on every
#                             package (docs/testing.md, "The docs snippets")
#   snippet NAME (PAGE)       a block of kind web or console (other than the two below), built as the Program.cs of a
#                             new app of its own
#   server quick start        README's server-quickstart block as Program.cs of a `dotnet new web` app on the packed
#                             QueryTags.SignalR: builds, listens, answers POST /api/todos/5/done
#   .NET client snippet       README's dotnet-client block as Program.cs of a `dotnet new console` app on the packed
#                             QueryTags.SignalR.Client (and Microsoft.Extensions.Logging.Console, at the ASP.NET Core
#                             version the packages use): connects to that server, prints the POST's invalidation, and
#                             is still running afterwards
#
# The apps restore into a packages folder of their own, so a QueryTags package of the same version extracted
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

# ---- the docs' C# snippets, compiled on the packed packages --------------------------------------------------------
# Every C# block of README.md and docs/*.md sits between <!-- snippet:NAME KIND --> and <!-- /snippet -->; KIND says
# how it is compiled (docs/testing.md, "The docs snippets"):
#   web                   the Program.cs of a new `dotnet new web` app on QueryTags.SignalR
#   console               the Program.cs of a new `dotnet new console` app on QueryTags.SignalR.Client and
#                         Microsoft.Extensions.Logging.Console
#   statements(PARAMS)    the body of a method taking PARAMS (what the block uses of the app around it), in one
#                         `dotnet new web` app shared by every such block, on every package and what the blocks use;
#                         the block's leading `using` lines go to the top of its file
#   types                 a file of its own in that shared app
#   skip: REASON          not compiled (the page says why)
# Each block starts with a #line directive, so a compile error names the page and its line.
snippets=$work/snippets
mkdir -p "$snippets"
# Writes $snippets/index (page, name, kind, the line of the block's first line of code; tab-separated), each block's
# code to $snippets/NAME.code, and what is wrong with the markers themselves to $snippets/problems.
(cd "$root" && awk -v out="$snippets" '
  FNR == 1 { inside = 0 }
  /^<!-- snippet:/ && / -->$/ {
    spec = $0; sub(/^<!-- snippet:/, "", spec); sub(/ -->$/, "", spec)
    name = spec; sub(/ .*$/, "", name)
    kind = ""; if (index(spec, " ") > 0) kind = substr(spec, index(spec, " ") + 1)
    if (kind == "") print FILENAME ":" FNR ": snippet " name " names no kind (web, console, statements(...), types or skip: why)" > (out "/problems")
    if (seen[name]++) print FILENAME ":" FNR ": a second snippet named " name > (out "/problems")
    inside = 1; fences = 0; code = out "/" name ".code"; printf "" > code
    next
  }
  inside && $0 == "<!-- /snippet -->" {
    inside = 0; close(code)
    if (fences != 2) print FILENAME ":" FNR ": snippet " name " is not one fenced block" > (out "/problems")
    next
  }
  inside && /^```/ {
    if (++fences == 1) printf "%s\t%s\t%s\t%d\n", FILENAME, name, kind, FNR + 1 > (out "/index")
    next
  }
  inside { print > code; next }
  tolower($0) ~ /^[ \t]*```[ \t]*(csharp|cs|c#)([ \t].*)?$/ { print FILENAME ":" FNR ": a C# block outside <!-- snippet:NAME KIND --> markers" > (out "/problems") }
  END { if (inside) print FILENAME ": snippet " name " has no <!-- /snippet -->" > (out "/problems") }
' README.md docs/*.md)
touch "$snippets/index" "$snippets/problems"
problems=()
while IFS= read -r problem; do problems+=("$problem"); done < <(
  cat "$snippets/problems"
  awk -F '\t' '$3 !~ /^(web|console|types|statements\(.*\)|skip: .+)$/ { print $1 ": snippet " $2 " has a kind the check does not know: " $3 }' "$snippets/index")
verdict "docs snippets: every C# block is marked, with a kind"

# Nothing above the temp folder (a stray Directory.Build.props in /tmp) reaches the apps.
for file in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' >"$work/$file"; done
machine_packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
machine_source=""
if [ -d "$machine_packages" ]; then
  machine_source="<add key=\"machine-packages\" value=\"$machine_packages\" />"
  machine_mapping="<packageSource key=\"machine-packages\"><package pattern=\"*\" /></packageSource>"
fi
cat >"$work/nuget.config" <<NUGETCONFIG
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
NUGETCONFIG

# The versions of what the apps use beside our packages: ASP.NET Core's (and so Microsoft.Extensions.*'s and EF Core's)
# and the repository's own pins.
pinned() { sed -n "s:.*<PackageVersion Include=\"$1\" Version=\"\([^\"]*\)\".*:\1:p" "$root/Directory.Packages.props"; }
aspnetcore_version=$(sed -n 's:.*<AspNetCoreVersion>\(.*\)</AspNetCoreVersion>.*:\1:p' "$root/Directory.Packages.props")
opentelemetry_version=$(pinned OpenTelemetry.Extensions.Hosting)
packed() { echo "$1@${version_of[$1]:-not-packed}"; }
web_packages=("$(packed QueryTags.SignalR)")
console_packages=("$(packed QueryTags.SignalR.Client)" "Microsoft.Extensions.Logging.Console@$aspnetcore_version")
shared_packages=("$(packed QueryTags.SignalR)" "$(packed QueryTags.SignalR.StackExchangeRedis)" "$(packed QueryTags.SignalR.EntityFrameworkCore)"
  "Microsoft.EntityFrameworkCore.Sqlite@$aspnetcore_version" "Microsoft.AspNetCore.Authentication.JwtBearer@$aspnetcore_version"
  "Microsoft.Extensions.Caching.Hybrid@$(pinned Microsoft.Extensions.Caching.Hybrid)" "OpenTelemetry.Extensions.Hosting@$opentelemetry_version"
  "OpenTelemetry.Instrumentation.AspNetCore@$opentelemetry_version" "OpenTelemetry.Exporter.OpenTelemetryProtocol@$opentelemetry_version")

project_of() { # project_of NAME: the project (and method) name of a snippet: server-quickstart -> ServerQuickstart
  sed -E 's/(^|[^A-Za-z0-9])([a-z])/\U\2/g; s/[^A-Za-z0-9]//g' <<<"$1"
}

new_app() { # new_app TEMPLATE PROJECT PACKAGE@VERSION...: creates $work/PROJECT, referencing those packages
  local dir=$work/$2 references="" package
  dotnet new "$1" -n "$2" -o "$dir" --no-restore || return 1
  for package in "${@:3}"; do
    references+="    <PackageReference Include=\"${package%@*}\" Version=\"${package#*@}\" />"$'\n'
  done
  # What `dotnet add package` writes, without its evaluation of the project per package.
  sed -i '/^<\/Project>/d' "$dir/$2.csproj"
  printf '  <ItemGroup>\n%s  </ItemGroup>\n</Project>\n' "$references" >>"$dir/$2.csproj"
}

build_app() { # build_app PROJECT: restores and builds $work/PROJECT, into its log
  { dotnet restore "$work/$1" --packages "$work/packages" && dotnet build "$work/$1" --no-restore -nologo -clp:ErrorsOnly; } >>"$work/$1.log" 2>&1
}

build_errors() { # build_errors PROJECT: its compile errors, each naming the page and line of the snippet, or else its log's end
  local errors
  errors=$(grep -E ': error ' "$work/$1.log" | sed "s:^$root/::; s: \[$work/.*\]$::" | sort -u | head -n 20)
  if [ -n "$errors" ]; then sed 's/^/  /' <<<"$errors"; else tail_log "$work/$1.log"; fi
}

code_of() { # code_of PAGE NAME LINE [FIRST [COUNT]]: lines of a block (from its line FIRST, 1 by default), marked as the page's
  printf '#line %d "%s"\n' "$(($3 + ${4:-1} - 1))" "$root/$1"
  tail -n "+${4:-1}" "$snippets/$2.code" | head -n "${5:-1000000}"
  printf '#line default\n'
}

# A block of kind web or console is the Program.cs of an app of its own; those of kinds statements and types are files
# of one shared app, DocsSnippets.
programs=()
shared=0
new_app web DocsSnippets "${shared_packages[@]}" >"$work/DocsSnippets.log" 2>&1
mkdir -p "$work/DocsSnippets/Snippets"
while IFS=$'\t' read -r page name kind line; do
  project=$(project_of "$name")
  case "$kind" in
    web | console)
      programs+=("$name")
      if [ "$kind" = web ]; then packages=("${web_packages[@]}"); else packages=("${console_packages[@]}"); fi
      new_app "$kind" "$project" "${packages[@]}" >"$work/$project.log" 2>&1 \
        && code_of "$page" "$name" "$line" >"$work/$project/Program.cs"
      ;;
    types)
      shared=$((shared + 1))
      code_of "$page" "$name" "$line" >"$work/DocsSnippets/Snippets/$project.cs"
      ;;
    statements\(*\))
      shared=$((shared + 1))
      parameters=${kind#statements(}
      parameters=${parameters%)}
      # Its leading using lines (and the blank lines among them) go to the top of the file, the rest into the method.
      usings=$(awk '/^using [A-Za-z0-9_.]+;$/ || /^$/ { n++; next } { exit } END { print n + 0 }' "$snippets/$name.code")
      {
        [ "$usings" -eq 0 ] || code_of "$page" "$name" "$line" 1 "$usings"
        printf '#pragma warning disable CS1998 // a block that awaits nothing\n'
        printf 'internal static partial class DocsSnippets\n{\n    internal static async Task %s(%s)\n    {\n' "$project" "$parameters"
        code_of "$page" "$name" "$line" "$((usings + 1))"
        printf '    }\n}\n'
      } >"$work/DocsSnippets/Snippets/$project.cs"
      ;;
  esac
done <"$snippets/index"

# Every app builds at once (they share nothing but the packages folder, which NuGet locks).
declare -A build_pid built
for project in DocsSnippets $(for name in "${programs[@]}"; do project_of "$name"; done); do
  if [ -f "$work/$project/Program.cs" ]; then
    build_app "$project" &
    build_pid[$project]=$!
  fi
done
for project in "${!build_pid[@]}"; do
  wait "${build_pid[$project]}"
  built[$project]=$?
done

if [ "${built[DocsSnippets]:-1}" -ne 0 ]; then
  fail "docs snippets build" "the $shared blocks of kinds statements and types did not build together"
  build_errors DocsSnippets
else
  pass
fi
# The two programs below run, a test each; every other one counts its build.
while IFS=$'\t' read -r page name kind line; do
  case "$kind" in web | console) ;; *) continue ;; esac
  case "$name" in server-quickstart | dotnet-client) continue ;; esac
  project=$(project_of "$name")
  if [ "${built[$project]:-1}" -ne 0 ]; then
    fail "snippet $name ($page)" "its app did not build"
    build_errors "$project"
  else
    pass
  fi
done <"$snippets/index"
server_built=${built[ServerQuickstart]:-1}
client_built=${built[DotnetClient]:-1}
# A missing block leaves no app and no log, only this line.
[ -f "$work/ServerQuickstart.log" ] || echo "README.md has no <!-- snippet:server-quickstart web --> block" >"$work/ServerQuickstart.log"
[ -f "$work/DotnetClient.log" ] || echo "README.md has no <!-- snippet:dotnet-client console --> block" >"$work/DotnetClient.log"

server_url=""
if [ "$server_built" -ne 0 ]; then
  fail "server quick start" "the app did not build"
  build_errors ServerQuickstart
else
  (cd "$work/ServerQuickstart" && exec dotnet bin/Debug/net10.0/ServerQuickstart.dll --urls http://127.0.0.1:0) >"$work/server.log" 2>&1 &
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
  build_errors DotnetClient
elif [ -z "$server_url" ]; then
  fail ".NET client snippet" "no server quick start to connect to"
else
  (cd "$work/DotnetClient" && exec dotnet bin/Debug/net10.0/DotnetClient.dll "$server_url/hubs/invalidation") >"$work/client.log" 2>&1 &
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
