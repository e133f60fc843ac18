# The scale rows of bench/run.sh (#18): distinct tokens rotating at -c32 and connection counts, then the sizes.
function field(line, name,    re, m) {
  re = name "=[0-9]+"
  if (match(line, re)) { m = substr(line, RSTART, RLENGTH); sub(/.*=/, "", m); return m + 0 }
  return -1
}
function verdict(ok) { return ok ? "PASS" : "FAIL" }
function add(key, line,    n) {
  n = field(line, "requests")
  requests[key] += n; micros[key] += field(line, "duration_us")
  rps[key] = requests[key] * 1e6 / micros[key]
  if (field(line, "p99_us") > p99[key]) p99[key] = field(line, "p99_us")
  bad[key] += field(line, "non2xx") + field(line, "socket_errors")
  cpums[key] += field(line, "server_cpu_ms"); cpu[key] = cpums[key] * 1000 / requests[key]
}
function row(key, label, target, ok) {
  printf "%-3s %-46s %8.0f %7s %7.2f %8d %6.0f  %-34s %s\n", "6", label, rps[key], share[key], p99[key] / 1000, bad[key], cpu[key], target, ok
}
$1 ~ /^(tokens|conns)_/ { add($1, $0) }
END {
  printf "\nScale: stateless HS256, one gateway (--max-connections-per-address 0); token rows in %s alternated rounds, connection rows one after the other\n", ENVIRON["BENCH_ROUNDS"]
  printf "%-3s %-46s %8s %7s %7s %8s %6s  %s\n", "#", "load", "req/s", "of 1", "p99 ms", "non-2xx", "cpu us", "target"
  top = ENVIRON["BENCH_TOP_TOKENS"]
  n = split("1 1000 20000 100000", counts, " ")
  for (i = 1; i <= n; i++) {
    k = "tokens_" counts[i]
    if (!(k in rps)) continue
    share[k] = sprintf("%.0f%%", 100 * rps[k] / rps["tokens_1"])
    ok = counts[i] == 1 || (rps[k] >= 0.9 * rps["tokens_1"] && p99[k] < 10000 && bad[k] == 0)
    row(k, counts[i] " distinct token" (counts[i] == 1 ? "" : "s") " rotating, -c32", counts[i] == 1 ? "(the base of this block)" : ">=90% of 1 token, p99<10ms", counts[i] == 1 ? "" : verdict(ok))
  }
  n = split("8 32 128 512 1024", conns, " ")
  for (i = 1; i <= n; i++) {
    k = "conns_" conns[i]
    if (!(k in rps)) continue
    share[k] = ""
    row(k, "-c" conns[i] ", one token", "0 non-2xx", verdict(bad[k] == 0))
  }
  printf "    RSS after the token rows (%s tokens cached at most): %d MB\n", top, ENVIRON["BENCH_RSS_SCALE"]
  printf "\nSizes: jar %.1f MB (target <=12 %s), archive %.1f MB (target <45 %s)\n", ENVIRON["BENCH_JAR_BYTES"] / 1e6,
    verdict(ENVIRON["BENCH_JAR_BYTES"] <= 12e6), ENVIRON["BENCH_ARCHIVE_BYTES"] / 1e6, verdict(ENVIRON["BENCH_ARCHIVE_BYTES"] > 0 && ENVIRON["BENCH_ARCHIVE_BYTES"] < 45e6)
  # Unpacked: what the archive installs besides the jar (the jlink runtime, the AOT cache); no target, shown for the trade-off.
  printf "       unpacked: runtime %.1f MB, AOT cache %.1f MB\n", ENVIRON["BENCH_RUNTIME_BYTES"] / 1e6, ENVIRON["BENCH_AOT_BYTES"] / 1e6
}
