#!/usr/bin/env bash
# Records the JDK 25 AOT cache (JEP 483/514/515) next to the jar, through the launcher so that the training run
# has exactly the launcher's JVM flags. It trains on what users wait for: `serve --stdio` answering initialize,
# tools/list and one tools/call (local MCP clients spawn one per session). Run by the build (pom.xml profile
# `aot-cache`, JDK 25+ only). A failure only warns: without the cache the launcher starts without it.
set -uo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
jar="$(readlink -f "${1:-$here/../target/mcp-auth.jar}")"
cache="${jar%.jar}.aot"
launcher="$here/mcp-auth"
secret="aot-training-only-secret-never-used-to-serve-anything"

warn() { echo "aot-train: $*; the launcher will start without the AOT cache" >&2; exit 0; }

[ -f "$jar" ] || warn "$jar is missing"
rm -f "$cache"
token="$(MCP_AUTH_JAR="$jar" MCP_AUTH_AOT=off "$launcher" token mint --secret "$secret" --scope math:calculate --ttl 10m)" \
  || warn "could not mint the training token"

workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
# The training session: the requests a client sends at start-up; stdin stays open until the call is answered.
coproc TRAIN { cd "$workdir" && MCP_AUTH_JAR="$jar" MCP_AUTH_AOT=train MCP_AUTH_TOKEN="$token" MCP_AUTH_LOG_LEVEL=WARN \
  "$launcher" serve --stdio --secret "$secret" 2>"$workdir/stderr"; }
send() { printf '%s\n' "$1" >&"${TRAIN[1]}"; }
await() { local line; while IFS= read -r -t 30 line <&"${TRAIN[0]}"; do [[ "$line" == *"\"id\":$1"* ]] && return 0; done; return 1; }
send '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"aot-train","version":"1"}}}'
await 1 || warn "no initialize response in training: $(tail -n 3 "$workdir/stderr")"
send '{"jsonrpc":"2.0","method":"notifications/initialized"}'
send '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
await 2 || warn "no tools/list response in training"
send '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add_numbers","arguments":{"a":1,"b":2}}}'
await 3 || warn "no tools/call response in training"
exec {TRAIN[1]}>&-
wait "$TRAIN_PID" || warn "the training run failed: $(tail -n 3 "$workdir/stderr")"
[ -f "$cache" ] || warn "the JVM wrote no cache (JDK older than 25?)"
echo "aot-train: wrote $cache" >&2
