#!/usr/bin/env bash
# Builds the self-contained archive mcp-auth-<version>-linux-x86_64.tar.xz from a built jar:
# a jlink runtime with only the modules the jar needs (found by jdeps), the jar, an AOT cache trained on a
# real stdio session, the man pages, the shell completions, the launcher and install.sh.
# Called by the Maven profile `dist` (mvn -B package); usable alone: dist/build-archive.sh JAR VERSION OUTDIR
set -euo pipefail

jar="$(readlink -f "$1")"
version="$2"
out="$(mkdir -p "$3" && cd "$3" && pwd)"
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
jdk="${JAVA_HOME:?JAVA_HOME must point at the JDK whose runtime the archive ships}"
name="mcp-auth-$version-linux-x86_64"
stage="$out/$name"

say() { echo "build-archive: $*" >&2; }

# Modules added to what jdeps finds, because they are reached reflectively or only on some JDKs: ECDSA keys live in
# jdk.crypto.ec on JDK 21; Undertow/xnio reach sun.misc.Unsafe through jdk.unsupported; java.net.http fetches JWKS
# and calls introspection; logback's JMX and JNDI support want java.management and java.naming.
extra_modules="jdk.crypto.ec,jdk.unsupported,java.net.http,java.management,java.naming"
# Modules jdeps finds only in code the gateway never runs, left out of the runtime (java.desktop alone is ~40% of it):
# java.desktop for java.beans, reached by Jackson's optional java.beans support (it checks and does without) and
# SnakeYAML's JavaBean introspector (Jackson's YAML module uses only its parser); java.compiler for Error Prone's
# annotations (Caffeine's, never read at run time); java.security.jgss and java.security.sasl for Undertow's Kerberos
# and XNIO's SASL authentication, which nothing configures. ArchiveIT runs the archive's commands on this runtime.
unused_modules="java.desktop,java.compiler,java.security.jgss,java.security.sasl"

# The jar must be the shaded one (all dependencies inside): the archive has no other class path.
if ! "$jdk/bin/jar" tf "$jar" | grep -q '^picocli/CommandLine.class$'; then
  say "$jar has no dependencies inside: build-archive must run after the shade plugin"
  exit 1
fi

rm -rf "$stage" "$out/$name.tar.gz" "$out/$name.tar.xz"
mkdir -p "$stage/bin" "$stage/lib" "$stage/share/man/man1" "$stage/share/bash-completion/completions" "$stage/share/zsh/site-functions"

major="$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | cut -d. -f1)"
if [ "${major:-0}" -lt 21 ]; then
  say "JAVA_HOME ($jdk) is Java $major; the archive's runtime needs a JDK 21 or newer (its jlink): set JAVA_HOME to one"
  exit 1
fi
modules="$("$jdk/bin/jdeps" --ignore-missing-deps --print-module-deps --multi-release "$major" "$jar")"
modules="$(printf '%s,%s' "$modules" "$extra_modules" | tr ',' '\n' | sort -u | grep -vxF -f <(tr ',' '\n' <<<"$unused_modules") | paste -sd, -)"
say "jlink $modules"
# The runtime's class image is left uncompressed (zip-0, the JDK's own default): the archive's gzip compresses it
# better than jlink's per-resource zip does (runtime in the .tar.gz 23.4 MB instead of 28.4 MB with zip-6; zip-9 is
# no better), and the JVM reads classes the AOT cache does not hold without inflating them. Unpacked it is
# 74 MB instead of 50 MB: the download is what #18 asks to shrink.
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-0 \
  --output "$stage/runtime"

# The jar goes in stored, not deflated: xz then compresses its classes as one stream, which finds what the classes
# share (names, signatures, constant pools) where the jar's per-entry deflate cannot. In the .tar.xz the jar takes
# 10.4 MB instead of 22.5 MB (22.9 MB in the old .tar.gz); the installed jar is 58 MB instead of 25 MB, and its
# classes load without inflating. Same entries, same manifest: ArchiveIT runs every command from it.
jar_tree="$out/$name.jar-tree"   # beside the stage, not in /tmp: a failed build leaves nothing behind outside $out
rm -rf "$jar_tree" && mkdir -p "$jar_tree"
(cd "$jar_tree" && "$jdk/bin/jar" xf "$jar")
"$jdk/bin/jar" --create --file "$stage/lib/mcp-auth.jar" --manifest "$jar_tree/META-INF/MANIFEST.MF" --no-compress -C "$jar_tree" .
rm -rf "$jar_tree"
cp -p "$root/dist/mcp-auth" "$stage/bin/mcp-auth"
cp -p "$root/dist/install.sh" "$stage/install.sh"
cp -p "$root"/man/*.1 "$stage/share/man/man1/"
cp -p "$root/completions/mcp-auth.bash" "$stage/share/bash-completion/completions/mcp-auth"
cp -p "$root/completions/_mcp-auth" "$stage/share/zsh/site-functions/_mcp-auth"
chmod 755 "$stage/bin/mcp-auth" "$stage/install.sh"

train_aot() {
  # A training run that exercises what serve does on every start and call: config, token verification, the MCP
  # SDK and a tool call, over stdio so that it ends on its own at end of input (no port, no signal). It goes through
  # bin/mcp-auth (no cache yet), so the cache is trained with exactly the JVM options the launcher runs with.
  local secret token
  secret="aot-training-secret-$(date +%s)-0123456789abcdef"
  token="$("$stage/bin/mcp-auth" token mint --secret "$secret" --scope "math:calculate")"
  printf '%s\n' \
    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"aot-training","version":"1"}}}' \
    '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
    '{"jsonrpc":"2.0","id":2,"method":"tools/list"}' \
    '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"add_numbers","arguments":{"a":2,"b":3}}}' \
  | MCP_AUTH_TOKEN="$token" MCP_AUTH_JAVA_OPTS="-XX:AOTCacheOutput=$stage/lib/mcp-auth.aot -Xlog:all=error:stderr" \
      "$stage/bin/mcp-auth" serve --stdio --secret "$secret" >/dev/null
}

if [ "$major" -ge 25 ]; then
  say "training the AOT cache (JEP 483/514)"
  train_aot || { say "AOT training failed; the archive works without the cache, only starts slower"; rm -f "$stage/lib/mcp-auth.aot"; }
fi

# xz (tar -J; xz-utils is on every Linux that has tar): 32.9 MB where gzip -9 made 47.5 MB of the same files (#18 asks
# for less than 45). -6, xz's default: -9 saves 0.9 MB more and takes three times as long (100 s on 2 cores).
tar -C "$out" -cf - "$name" | xz -6 -T0 > "$out/$name.tar.xz"
say "wrote $out/$name.tar.xz ($(du -h "$out/$name.tar.xz" | cut -f1))"
