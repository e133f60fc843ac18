#!/usr/bin/env bash
# mcp-auth benchmark suite: bench/run.sh [--quick] [--no-build] [--scale-only | --upstream-only]
# Builds what it needs, starts every server on loopback, runs bounded wrk loads, JMH, start-up and memory
# probes, stops everything it started, and prints one table. Never part of `mvn verify` or CI.
set -euo pipefail

root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
bench="$root/bench"
quick=0 build=1 scale_only=0 upstream_only=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --no-build) build=0 ;;
    --scale-only) scale_only=1 ;;
    --upstream-only) upstream_only=1 ;;
    -h|--help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown argument $arg (use --quick, --no-build, --scale-only, --upstream-only)" >&2; exit 2 ;;
  esac
done

# --- Targets: loopback only, refuse anything else. ---
host="${BENCH_HOST:-127.0.0.1}"
case "$host" in
  127.*|localhost|::1|'[::1]') ;;
  *) echo "bench: refusing target $host: the suite only loads servers on loopback (127.0.0.0/8, ::1)" >&2; exit 2 ;;
esac
[ "$host" = localhost ] && host=127.0.0.1
port="${BENCH_PORT:-18401}"        # the server under test (one at a time)
keys_port="${BENCH_KEYS_PORT:-18402}"
ceil_port="${BENCH_CEIL_PORT:-18403}"        # the ceiling, up for the whole run
authoff_port="${BENCH_AUTHOFF_PORT:-18404}"  # the auth-cost pair: the chain without BearerAuth,
authon_port="${BENCH_AUTHON_PORT:-18405}"    # and the same chain with it, in the same JVM
upstream_port="${BENCH_UPSTREAM_PORT:-18406}" # server-everything (node), the upstream row's MCP server
vt_port="${BENCH_VT_PORT:-18407}"            # the ceiling on the gateway's threading (virtual thread, no work)

# --- Budget: every load is bounded in time (wrk -d) and connections. ---
if [ "$quick" = 1 ]; then
  warm=10 warm_max=30 dur=6 rounds=2 pair_rounds=3 mem_round=20 jmh_args=(-f 1 -wi 2 -w 1s -i 3 -r 1s) flood_n=2000
else
  warm=20 warm_max=60 dur=15 rounds=3 pair_rounds=6 mem_round=60 jmh_args=(-f 1 -wi 3 -w 2s -i 5 -r 2s) flood_n=5000
fi
threads=2 conns=32 startup_runs=10
# The scale rows (#18): distinct tokens rotating through the token cache, and connection counts through the request
# queue. Every wrk connection comes from one loopback address, so the gateway runs without its per-address cap.
scale_tokens="1 1000 20000 100000" scale_conns="8 32 128 512 1024"
secret="bench-shared-secret-at-least-32-bytes-long"

log() { echo "bench: $*" >&2; }

# --- Tools: wrk from Debian if missing; a JDK 21+. ---
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (apt-get)"
  apt-get update >&2 && apt-get install -y wrk >&2 || { log "could not install wrk"; exit 2; }
fi
pick_java_home() {
  local best="" best_v=0 d v
  for d in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -x "$d/bin/java" ] && [ -r "$d/release" ] || continue
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$d/release")"
    [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ] && { best="$d"; best_v="$v"; }
  done
  echo "$best"
}
JAVA_HOME="$(pick_java_home)"
[ -n "$JAVA_HOME" ] || { log "no JDK 21+ found"; exit 2; }
export JAVA_HOME
java="$JAVA_HOME/bin/java"

for p in "$port" "$keys_port" "$ceil_port" "$authoff_port" "$authon_port" "$upstream_port" "$vt_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    log "port $p is in use; set BENCH_PORT / BENCH_KEYS_PORT / BENCH_CEIL_PORT / BENCH_AUTHOFF_PORT / BENCH_AUTHON_PORT / BENCH_UPSTREAM_PORT / BENCH_VT_PORT"; exit 2
  fi
done

# --- Build: the jar (and, on JDK 25, its AOT cache), test classes (bench harness) and JMH. ---
cd "$root"
if [ "$build" = 1 ]; then
  log "building (mvn -Pbench package -DskipTests)"
  mvn -B -q -Pbench package -DskipTests >&2
fi
[ "$scale_only" = 1 ] || [ "$upstream_only" = 1 ] || [ -f target/test-classes/META-INF/BenchmarkList ] || {
  log "target/ holds no JMH benchmarks (built without -Pbench): run once without --no-build"; exit 2; }
mvn -B -q -o -Pbench dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >&2
jar="${MCP_AUTH_JAR:-$root/target/mcp-auth.jar}"
cp="$jar:$root/target/test-classes:$(cat target/bench-classpath.txt)"
# Bench JVMs run from the test classpath, which holds logback-test.xml (audit and access lines at INFO): make them
# log exactly as `serve` does, or the auth-off comparison measures logging, not authentication.
main_logging="-Dlogback.configurationFile=$root/bench/logback-as-serve.xml"
launcher="$root/dist/mcp-auth"
# The launcher's own JVM flags, so that the bench-only servers run with the same settings as `serve` (its heap for
# HTTP `serve`: the flags name $heap, which the launcher picks before them).
heap=256m
eval "$(sed -n 's/^jvm_opts=/launcher_jvm_opts=/p' "$launcher")"
# (HTTP `serve` adds none; the flags it adds for short-lived processes, C1 only among them, are not wanted here.)

work="$(mktemp -d /tmp/mcp-auth-bench.XXXXXX)"
export BENCH_LUA_DIR="$bench/wrk"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

base="http://$host:$port"
mcp="$base/mcp"
"$java" -cp "$cp" dev.mcpauth.bench.BenchTokens "$work/tokens" "$mcp" "$secret" "$flood_n" "${scale_tokens// /,}"

# start NAME COMMAND...: runs a server in the background, waits until it answers on $port (or keys port).
started_pid=""
start() {
  local name="$1" wait_port="$2"; shift 2
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  started_pid=$!
  pids+=("$started_pid")
  local i
  for i in $(seq 1 200); do
    if [ -n "${ready_url:-}" ]; then
      [ "$(curl -s -o /dev/null -w '%{http_code}' "$ready_url")" = 200 ] && return 0
    elif (exec 3<>"/dev/tcp/127.0.0.1/$wait_port") 2>/dev/null; then return 0; fi
    kill -0 "$started_pid" 2>/dev/null || { log "$name exited: $(tail -n 5 "$work/$name.err")"; exit 1; }
    sleep 0.05
  done
  log "$name did not start listening on $wait_port"; exit 1
}
stop() {
  kill "$started_pid" 2>/dev/null || true
  wait "$started_pid" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || return 0; sleep 0.05; done
}
gateway() {  # gateway NAME FLAGS...: `serve` through the launcher, as users run it; its logs go to /dev/null
  local name="$1"; shift
  ready_url="$base/health" start "$name" "$port" env MCP_AUTH_LOG_LEVEL="${BENCH_LOG_LEVEL:-INFO}" "$launcher" serve --host "$host" --port "$port" \
    --files-root "$work" "$@"
}

# measure KEY PID URL SECS SCRIPT [ENV=VALUE...]: one bounded load; its RESULT line, with the CPU time the server PID
# used, is appended to $work/results (a key measured in several rounds has several lines; table.awk adds them up).
# With $upstream_pid set, the CPU time that process used too (upstream_cpu_ms): the MCP server behind the gateway.
measure() {
  local key="$1" pid="$2" url="$3" secs="$4" script="$5"; shift 5
  local t0 t1 u0=0 u1=0 line out="$work/$key.wrk" extra=""
  t0="$(cpu_ticks "$pid")"
  [ -n "${upstream_pid:-}" ] && u0="$(cpu_ticks "$upstream_pid")"
  env "$@" wrk -t"$threads" -c"$conns" -d"${secs}s" --timeout 5s -s "$bench/wrk/$script" "$url" >"$out"
  t1="$(cpu_ticks "$pid")"
  [ -n "${upstream_pid:-}" ] && u1="$(cpu_ticks "$upstream_pid")" && extra=" upstream_cpu_ms=$(( (u1 - u0) * 1000 / $(getconf CLK_TCK) ))"
  line="$(grep '^RESULT' "$out")" || { log "wrk gave no result for $key"; cat "$out" >&2; exit 1; }
  echo "$key $line server_cpu_ms=$(( (t1 - t0) * 1000 / $(getconf CLK_TCK) ))$extra" >>"$work/results"
}
# warm_up URL SCRIPT [ENV=VALUE...]: load in 5 s chunks until the JIT has settled: at least $warm s, then until a
# chunk's requests are within 10% of the chunk before, at most $warm_max s. A fixed 20 s was not enough for the
# session path: a fresh gateway did 20k, 48k, 66k, 97k, 137k, 134k requests in consecutive 5 s chunks, so the first
# measured round of a row still caught C2 compiling.
warm_up() {
  local url="$1" script="$2"; shift 2
  local spent=0 prev=0 n
  while [ "$spent" -lt "$warm_max" ]; do
    n="$(env "$@" wrk -t"$threads" -c"$conns" -d5s --timeout 5s -s "$bench/wrk/$script" "$url" | sed -n 's/^RESULT requests=\([0-9]*\).*/\1/p')"
    n="${n:-0}" spent=$((spent + 5))
    if [ "$spent" -ge "$warm" ] && [ "$prev" -gt 0 ] && [ $(( (n > prev ? n - prev : prev - n) * 10 )) -le "$prev" ]; then break; fi
    prev="$n"
  done
  log "warm-up on $script: ${spent} s"
}
# run_wrk KEY SCRIPT [ENV=VALUE...]: warm_up, then $rounds rounds of the load on the server under test, each followed
# by a round of the same length on the ceiling (key ceiling@KEY). This VM's speed drifts by 20-30% within minutes, so a
# ratio is only fair between loads measured side by side: every percentage in the table divides a row by the ceiling
# rounds alternated with it. The ceiling gets the row's own request, Authorization header included (a session row's
# call without its session header: the ceiling has no sessions): the HS256 token's 312 bytes cost the ceiling 15% of
# its throughput (bench/README.md), and that is the wire's cost, not the gateway's. With $bare_key set, a third
# round goes to the ceiling without the token (key $bare_key@KEY), for the table's comparison.
run_wrk() {
  local key="$1" script="$2"; shift 2
  warm_up "$mcp" "$script" "$@"
  local r secs=$(( dur / rounds )) ceil_script="$script"
  [ "$script" = session.lua ] && ceil_script=stateless.lua
  for r in $(seq 1 "$rounds"); do
    measure "$key" "$started_pid" "$mcp" "$secs" "$script" "$@"
    measure "ceiling@$key" "$ceil_pid" "$ceil_url" "$secs" "$ceil_script" "$@"
    if [ -n "${bare_key:-}" ]; then measure "$bare_key@$key" "$ceil_pid" "$ceil_url" "$secs" stateless.lua; fi
    if [ -n "${vt_key:-}" ]; then measure "$vt_key@$key" "$vt_pid" "$vt_url" "$secs" "$ceil_script" "$@"; fi
  done
  log "$key: $(grep -c "^$key " "$work/results") rounds done"
}
# CPU time (user + system) the server under test used: per request, it is far steadier than req/s on a shared machine.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
check_call() {  # check_call TOKEN [URL]: the benchmarked call must succeed before it is timed
  local token="$1" url="${2:-$mcp}" out
  out="$(curl -s -X POST "$url" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H 'MCP-Protocol-Version: 2025-11-25' ${token:+-H "Authorization: Bearer $token"} \
    --data '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add_numbers","arguments":{"a":2,"b":3}}}')"
  [[ "$out" == *'"result"'* ]] || { log "the benchmarked call failed: $out"; exit 1; }
  printf '%s' "$out"
}
T="$work/tokens"

# 7. The upstream row: @modelcontextprotocol/server-everything (node, Streamable HTTP with sessions), measured
#    directly and through `serve --secret --no-builtin-tools --upstream everything=URL` (sessions), both with
#    wrk/session.lua calling its `echo` tool. Rounds alternate between the two like the other rows alternate with the
#    ceiling; every round records the CPU time of the gateway and of node (they share the 2 cores with wrk).
everything_js="$root/src/test/upstream-npm/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
echo_call='{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"echo","arguments":{"message":"bench"}}}'
upstream_skipped=""
# open_sessions URL TOKEN FILE [CALL EXPECTED]: opens $conns sessions (initialize, notifications/initialized) and writes
# their ids to FILE, for wrk/session.lua's BENCH_SESSIONS_FILE; CALL (the echo call by default) must answer something
# holding EXPECTED ('Echo: bench') on each before anything is timed.
open_sessions() {
  local url="$1" token="$2" file="$3" call="${4:-$echo_call}" expected="${5:-Echo: bench}" sid out i
  local h=(-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2025-11-25')
  [ -n "$token" ] && h+=(-H "Authorization: Bearer $token")
  : >"$file"
  for i in $(seq 1 "$conns"); do
    sid="$(curl -s -D - -o /dev/null "${h[@]}" "$url" --data '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}' \
      | sed -n 's/^[Mm][Cc][Pp]-[Ss]ession-[Ii][Dd]: *\([^[:space:]]*\).*/\1/p')"
    [ -n "$sid" ] || { log "no session from $url"; exit 1; }
    curl -s -o /dev/null "${h[@]}" -H "Mcp-Session-Id: $sid" "$url" --data '{"jsonrpc":"2.0","method":"notifications/initialized"}'
    out="$(curl -s "${h[@]}" -H "Mcp-Session-Id: $sid" "$url" --data "$call")"
    [[ "$out" == *"$expected"* ]] || { log "the benchmarked call on $url failed: $out"; exit 1; }
    echo "$sid" >>"$file"
  done
}
upstream_rows() {
  if ! command -v node >/dev/null 2>&1; then upstream_skipped="node is not installed"
  elif [ ! -f "$everything_js" ]; then upstream_skipped="server-everything is not installed (cd src/test/upstream-npm && npm ci)"
  fi
  [ -z "$upstream_skipped" ] || { log "upstream row skipped: $upstream_skipped"; return 0; }
  log "upstream: server-everything (node) direct and through serve"
  local node_url="http://$host:$upstream_port/mcp" node_pid gw_pid r secs=$(( dur / rounds ))
  start everything "$upstream_port" env PORT="$upstream_port" BENCH_NODE_HOST="$host" node --require "$bench/loopback-listen.cjs" \
    "$everything_js" streamableHttp
  node_pid="$started_pid"
  gateway upstream --secret "$secret" --no-builtin-tools --upstream "everything=$node_url"
  gw_pid="$started_pid"
  open_sessions "$node_url" "" "$work/direct.sessions"
  open_sessions "$mcp" "$(cat "$T/hs256.token")" "$work/gateway.sessions"
  local direct=(BENCH_SESSIONS_PER_THREAD=$(( conns / threads )) BENCH_CALL="$echo_call" BENCH_SESSIONS_FILE="$work/direct.sessions")
  local through=(BENCH_SESSIONS_PER_THREAD=$(( conns / threads )) BENCH_CALL="$echo_call" BENCH_SESSIONS_FILE="$work/gateway.sessions" BENCH_TOKEN_FILE="$T/hs256.token")
  warm_up "$node_url" session.lua "${direct[@]}"
  # The gateway's relay path (its MCP server, the upstream client, java.net.http) is ~9,000 compiled methods: under
  # this load, held to node's pace, C2 needs 40-60 s. Its 5 s chunks kept within 10% of each other from 20 s on, and
  # a profile of the measured rounds after that found 37% of the gateway's CPU in the C2 compiler threads.
  warm="$(( warm * 3 ))" warm_max="$(( warm_max * 3 / 2 ))" warm_up "$mcp" session.lua "${through[@]}"
  for r in $(seq 1 "$rounds"); do
    measure up_direct "$node_pid" "$node_url" "$secs" session.lua "${direct[@]}"
    upstream_pid="$node_pid" measure up_gateway "$gw_pid" "$mcp" "$secs" session.lua "${through[@]}"
  done
  stop
  kill "$node_pid" 2>/dev/null || true
  wait "$node_pid" 2>/dev/null || true
}

# Scale: one gateway, warmed up once; token rows at -c32, then connection rows with one token; RSS after the token
# rows (the cache full of 100,000 tokens). Rows are measured one after the other, not alternated with a ceiling:
# compare them with each other (token rows against the 1-token row) and with another build's run, not with row 1.
scale_rows() {
  log "scale: ${scale_tokens// /, } distinct tokens; ${scale_conns// /, } connections"
  gateway scale --stateless --secret "$secret" --max-connections-per-address 0
  local scale_pid="$started_pid" n c
  check_call "$(head -n1 "$T/hs256-1.tokens")" >/dev/null
  # Warmed up on 1,000 tokens, not one: the first pass over each file verifies its tokens and fills the cache, code
  # that a one-token warm-up never ran, so C2 compiled it (and deoptimized what it had) during the later rows.
  # Warmed the same way, 1 and 1,000 tokens rotating served 26.5k and 26.0k req/s; warmed on one token, the
  # 1,000-token row came out at 81% of the one-token row in the same run.
  warm_up "$mcp" tokens.lua BENCH_TOKENS_FILE="$T/hs256-1000.tokens"
  # One pass over each file first, so the rows measure rotation through the cache, not the first verification; the
  # cache holds all of them (121,001 bench tokens, ~95 MB estimated, in the 101 MiB budget).
  for n in $scale_tokens; do
    [ "$n" -gt 1 ] && BENCH_TOKENS_FILE="$T/hs256-$n.tokens" wrk -t"$threads" -c"$conns" -d"$(( n / 10000 + 3 ))s" --timeout 5s \
      -s "$bench/wrk/tokens.lua" "$mcp" >/dev/null
  done
  # Then the token rows in alternated rounds, as the other rows alternate with the ceiling: measured one after the
  # other, the 100,000-token row read 118% of the 1-token row in one run and 80% in the next on the same code.
  local r
  for r in $(seq 1 "$rounds"); do
    for n in $scale_tokens; do
      measure "tokens_$n" "$scale_pid" "$mcp" "$(( dur / rounds ))" tokens.lua BENCH_TOKENS_FILE="$T/hs256-$n.tokens"
    done
  done
  rss_scale="$(rss_mb "$scale_pid")"
  for c in $scale_conns; do
    conns="$c" measure "conns_$c" "$scale_pid" "$mcp" "$dur" stateless.lua BENCH_TOKEN_FILE="$T/hs256-1.tokens"
  done
  stop
}
scale_table() {
  local archive
  archive="$(ls "$root"/target/mcp-auth-*-linux-x86_64.tar.xz 2>/dev/null | head -n1)"
  BENCH_RSS_SCALE="$rss_scale" BENCH_JAR_BYTES="$(stat -c %s "$jar")" BENCH_ARCHIVE_BYTES="$( [ -n "$archive" ] && stat -c %s "$archive" || echo 0)" \
  BENCH_RUNTIME_BYTES="$( [ -n "$archive" ] && [ -d "${archive%.tar.xz}/runtime" ] && du -sb "${archive%.tar.xz}/runtime" | cut -f1 || echo 0)" \
  BENCH_AOT_BYTES="$( [ -f "${archive%.tar.xz}/lib/mcp-auth.aot" ] && stat -c %s "${archive%.tar.xz}/lib/mcp-auth.aot" || echo 0)" \
  BENCH_ROUNDS="$rounds" BENCH_TOP_TOKENS="${scale_tokens##* }" awk -f "$bench/scale.awk" "$work/results"
}
if [ "$scale_only" = 1 ]; then
  scale_rows
  scale_table
  exit 0
fi
if [ "$upstream_only" = 1 ]; then
  touch "$work/results"
  upstream_rows
  BENCH_ONLY=upstream BENCH_NPROC="$(nproc)" BENCH_JAVA="$("$java" -version 2>&1 | head -n1)" BENCH_DUR=$dur BENCH_WARM=$warm BENCH_WARM_MAX=$warm_max \
    BENCH_ROUNDS=$rounds BENCH_QUICK=$quick BENCH_UPSTREAM_SKIPPED="$upstream_skipped" awk -f "$bench/table.awk" "$work/results"
  exit 0
fi

# 1. The ceiling answers the exact bytes the gateway answers (captured from a real call). It stays up for the whole
#    run, for the ceiling rounds alternated with every row.
log "ceiling (bare Undertow), kept up beside every gateway"
gateway hs256 --stateless --secret "$secret"
gateway_pid="$started_pid"
check_call "$(cat "$T/hs256.token")" >"$work/response.json"
ceil_url="http://$host:$ceil_port/mcp"
start ceiling "$ceil_port" "$java" "${launcher_jvm_opts[@]}" "$main_logging" -cp "$cp" dev.mcpauth.bench.CeilingServer "$ceil_port" "$work/response.json"
ceil_pid="$started_pid"
warm_up "$ceil_url" stateless.lua

# 1b. The ceiling on the gateway's own threading: the same bare Undertow, but the body read and the answer sent on a
#     virtual thread, blocking, as VirtualThreadDispatch does, with no work between them. Measured in the HS256 row's
#     rounds: how far the hand-off alone is from the ceiling, and how much of what is left the gateway's work takes.
vt_url="http://$host:$vt_port/mcp"
start ceiling_vt "$vt_port" "$java" "${launcher_jvm_opts[@]}" "$main_logging" -cp "$cp" dev.mcpauth.bench.CeilingServer "$vt_port" "$work/response.json" dispatch
vt_pid="$started_pid"
warm_up "$vt_url" stateless.lua

# 2. Stateless HS256, alternated with the ceiling (and the threading-only ceiling).
log "stateless HS256"
started_pid="$gateway_pid"
bare_key=bare vt_key=vt run_wrk hs256 stateless.lua BENCH_TOKEN_FILE="$T/hs256.token"
stop
kill "$vt_pid" 2>/dev/null || true
wait "$vt_pid" 2>/dev/null || true

scale_rows

# 4. The cost of authentication: the same chain without and with BearerAuth, in one JVM (AuthCostPair), rounds
#    alternated between the two. Both get the same request, token included (the auth-off chain ignores it); a third
#    round sends the auth-off chain the call without its token, for the table's comparison.
log "cost of authentication (auth-cost pair, one JVM)"
authoff_url="http://$host:$authoff_port/mcp" authon_url="http://$host:$authon_port/mcp"
ready_url="http://$host:$authoff_port/health" start authcost "$authoff_port" "$java" "${launcher_jvm_opts[@]}" "$main_logging" -cp "$cp" \
  dev.mcpauth.gateway.AuthCostPair "$authoff_port" "$authon_port" "$T/authon.token"
pair_pid="$started_pid"
check_call "" "$authoff_url" >/dev/null
check_call "$(cat "$T/authon.token")" "$authon_url" >/dev/null
warm_up "$authoff_url" stateless.lua BENCH_TOKEN_FILE="$T/authon.token"
warm_up "$authon_url" stateless.lua BENCH_TOKEN_FILE="$T/authon.token"
for r in $(seq 1 "$pair_rounds"); do
  measure authoff "$pair_pid" "$authoff_url" 5 stateless.lua BENCH_TOKEN_FILE="$T/authon.token"
  measure authon "$pair_pid" "$authon_url" 5 stateless.lua BENCH_TOKEN_FILE="$T/authon.token"
  measure authoff_bare "$pair_pid" "$authoff_url" 5 stateless.lua
done
kill "$pair_pid" && wait "$pair_pid" 2>/dev/null || true

start keys "$keys_port" "$java" "${launcher_jvm_opts[@]}" -cp "$cp" dev.mcpauth.bench.KeyServer "$keys_port" "$T/jwks.json" "$T/opaque.token" "$mcp"
keys_pid="$started_pid"
counts() { curl -s "http://$host:$keys_port/counts"; }
count_of() { counts | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

log "stateless JWKS (ES256, RS256) and rejection floods"
jwks_before="$(count_of jwks_fetches)"; jwks_start=$(date +%s)
gateway jwks --stateless --jwks-uri "http://$host:$keys_port/jwks.json"
check_call "$(cat "$T/es256.token")" >/dev/null
run_wrk es256 stateless.lua BENCH_TOKEN_FILE="$T/es256.token"
run_wrk rs256 stateless.lua BENCH_TOKEN_FILE="$T/rs256.token"
# Floods: the accepted token through the same per-request script, then distinct invalid tokens.
run_wrk accepted_dyn tokens.lua BENCH_TOKENS_FILE="$T/es256.token"
fetch0="$(count_of jwks_fetches)"; flood_start=$(date +%s)
run_wrk bad_signature tokens.lua BENCH_TOKENS_FILE="$T/bad-signature.tokens"
run_wrk unknown_kid tokens.lua BENCH_TOKENS_FILE="$T/unknown-kid.tokens"
flood_secs=$(( $(date +%s) - flood_start ))
fetch1="$(count_of jwks_fetches)"
status_of() {
  curl -s -o /dev/null -w '%{http_code}' -X POST "$mcp" -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H 'MCP-Protocol-Version: 2025-11-25' -H "Authorization: Bearer $1" --data '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
}
flood_status="bad signature $(status_of "$(head -n1 "$T/bad-signature.tokens")"), unknown kid $(status_of "$(tail -n1 "$T/unknown-kid.tokens")")"
stop
jwks_total=$(( $(count_of jwks_fetches) - jwks_before )); jwks_secs=$(( $(date +%s) - jwks_start ))

log "stateless introspection"
gateway introspection --stateless --introspection-uri "http://$host:$keys_port/introspect" \
  --introspection-client-id bench --introspection-client-secret bench-introspection-secret
check_call "$(cat "$T/opaque.token")" >/dev/null
intro0="$(count_of introspections)"
run_wrk introspection stateless.lua BENCH_TOKEN_FILE="$T/opaque.token"
intro1="$(count_of introspections)"
stop

# The sessions are opened once per row, before its warm-up, and used for the whole row: when session.lua opened 32 in
# every wrk run, the gateway's cap (--max-sessions-per-subject, 100 by default) answered 429 to every initialize from
# the fourth run on, and the rows measured those refusals (100,652 non-2xx in a --quick run).
log "sessions (SSE)"
export BENCH_SESSIONS_PER_THREAD=$(( conns / threads ))
add_call='{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add_numbers","arguments":{"a":2,"b":3}}}'
session_row() {  # session_row KEY TOKEN_FILE
  open_sessions "$mcp" "$(cat "$2")" "$work/$1.sessions" "$add_call" '"result"'
  run_wrk "$1" session.lua BENCH_TOKEN_FILE="$2" BENCH_SESSIONS_FILE="$work/$1.sessions"
}
gateway s_hs256 --secret "$secret"
session_row s_hs256 "$T/hs256.token"
stop
gateway s_jwks --jwks-uri "http://$host:$keys_port/jwks.json"
session_row s_es256 "$T/es256.token"
session_row s_rs256 "$T/rs256.token"
stop
gateway s_introspection --introspection-uri "http://$host:$keys_port/introspect" \
  --introspection-client-id bench --introspection-client-secret bench-introspection-secret
session_row s_introspection "$T/opaque.token"
stop
kill "$keys_pid" 2>/dev/null || true
kill "$ceil_pid" 2>/dev/null || true   # nothing below is measured against the ceiling

upstream_rows

# Memory: serve (stateless HS256) idle, then after two equal rounds of the same load.
log "memory (2 rounds of ${mem_round}s)"
gateway memory --stateless --secret "$secret"
mem_pid="$started_pid"
check_call "$(cat "$T/hs256.token")" >/dev/null
sleep 2
rss_idle="$(rss_mb "$mem_pid")"
BENCH_TOKEN_FILE="$T/hs256.token" wrk -t"$threads" -c"$conns" -d"${mem_round}s" --timeout 5s -s "$bench/wrk/stateless.lua" "$mcp" >/dev/null
rss_round1="$(rss_mb "$mem_pid")"
BENCH_TOKEN_FILE="$T/hs256.token" wrk -t"$threads" -c"$conns" -d"${mem_round}s" --timeout 5s -s "$bench/wrk/stateless.lua" "$mcp" >/dev/null
rss_round2="$(rss_mb "$mem_pid")"
stop

# Start-up: local clients spawn `serve --stdio` per session; median of N runs, with and without the cache.
log "start-up (median of $startup_runs)"
stdio_token="$(cat "$T/hs256.token")"
probe() { "$java" -cp "$cp" dev.mcpauth.bench.StartupProbe "$@" | sed -n 's/^STARTUP //p' >>"$work/startup"; }
(cd "$work" && MCP_AUTH_TOKEN="$stdio_token" MCP_AUTH_LOG_LEVEL=WARN probe initialize "$startup_runs" stdio_aot "$launcher" serve --stdio --port "$port" --secret "$secret")
(cd "$work" && MCP_AUTH_AOT=off MCP_AUTH_TOKEN="$stdio_token" MCP_AUTH_LOG_LEVEL=WARN probe initialize "$startup_runs" stdio_noaot "$launcher" serve --stdio --port "$port" --secret "$secret")
# CLI commands (#18: < 150 ms): the root help, the version, and a token minted from a secret.
probe exit "$startup_runs" help_aot "$launcher" --help
MCP_AUTH_AOT=off probe exit "$startup_runs" help_noaot "$launcher" --help
probe exit "$startup_runs" version_aot "$launcher" --version
MCP_AUTH_AOT=off probe exit "$startup_runs" version_noaot "$launcher" --version
probe exit "$startup_runs" mint_aot "$launcher" token mint --secret "$secret" --scope math:calculate
MCP_AUTH_AOT=off probe exit "$startup_runs" mint_noaot "$launcher" token mint --secret "$secret" --scope math:calculate
aot_state="$( [ -f "${jar%.jar}.aot" ] && [ "${jar%.jar}.aot" -nt "$jar" ] && echo "AOT cache ${jar%.jar}.aot" || echo "no AOT cache (JDK < 25: AppCDS archive)")"

# JMH: the verifiers alone, and one policy decision per kind of rule.
log "JMH ${jmh_args[*]}"
"$java" -cp "$cp" org.openjdk.jmh.Main "${jmh_args[@]}" -rf csv -rff "$work/jmh.csv" 'dev.mcpauth.bench.jmh.(VerifierBenchmark|PolicyBenchmark)' >"$work/jmh.out" 2>&1 \
  || { log "JMH failed: $(tail -n 20 "$work/jmh.out")"; exit 1; }

# --- The table ---
BENCH_QUICK=$quick BENCH_NPROC="$(nproc)" BENCH_JAVA="$("$java" -version 2>&1 | head -n1)" BENCH_DUR=$dur BENCH_WARM=$warm BENCH_WARM_MAX=$warm_max BENCH_ROUNDS=$rounds BENCH_PAIR_ROUNDS=$pair_rounds \
BENCH_FETCHES=$(( fetch1 - fetch0 )) BENCH_FLOOD_SECS=$flood_secs BENCH_JWKS_TOTAL=$jwks_total BENCH_JWKS_SECS=$jwks_secs BENCH_FLOOD_STATUS="$flood_status" BENCH_INTRO=$(( intro1 - intro0 )) \
BENCH_RSS="$rss_idle $rss_round1 $rss_round2" BENCH_MEM_ROUND=$mem_round BENCH_UPSTREAM_SKIPPED="$upstream_skipped" BENCH_AOT="$aot_state" BENCH_FLOOD_N=$flood_n \
  awk -f "$bench/table.awk" "$work/results" "$work/startup" "$work/jmh.csv"
scale_table
