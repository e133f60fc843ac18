# Prints the benchmark table from run.sh's result files: wrk RESULT lines, STARTUP lines, JMH CSV.
function field(line, name,    re, m) {
  re = name "=[0-9]+"
  if (match(line, re)) { m = substr(line, RSTART, RLENGTH); sub(/.*=/, "", m); return m + 0 }
  return -1
}
function verdict(ok) { return ok ? "PASS" : "FAIL" }
# A row's percentage is of the ceiling rounds alternated with it (ceiling@KEY), not of a ceiling measured minutes away.
function ratio(key, base) { return rps[key] / rps[(base == "" ? "ceiling" : base) "@" key] }
function row(n, key, label, target, ok, shown) {
  shown = key == "ceiling" ? 1 : ratio(key)
  printf "%-3s %-46s %8.0f %6.0f%% %7.2f %7.2f %8d %6.0f  %-28s %s\n", n, label, rps[key], 100 * shown,
    p50[key] / 1000, p99[key] / 1000, bad[key], cpu[key], target, ok == "" ? "" : ok
}
function stateless(n, key, label, min,    ok) {
  ok = ratio(key) >= min && p99[key] < 10000 && bad[key] == 0
  row(n, key, label, sprintf(">=%d%%, p99<10ms, 0 non-2xx", min * 100), verdict(ok))
}
# add KEY LINE: one more round of KEY. Requests, time, errors and CPU add up; p50 is averaged by requests; p99 is the
# worst round's.
function add(key, line,    n) {
  n = field(line, "requests")
  requests[key] += n; micros[key] += field(line, "duration_us")
  rps[key] = requests[key] * 1e6 / micros[key]
  p50sum[key] += n * field(line, "p50_us"); p50[key] = p50sum[key] / requests[key]
  if (field(line, "p99_us") > p99[key]) p99[key] = field(line, "p99_us")
  bad[key] += field(line, "non2xx") + field(line, "socket_errors")
  cpums[key] += field(line, "server_cpu_ms"); cpu[key] = cpums[key] * 1000 / requests[key]
  if (field(line, "upstream_cpu_ms") >= 0) { ucpums[key] += field(line, "upstream_cpu_ms"); ucpu[key] = ucpums[key] * 1000 / requests[key] }
}
# Row 7: server-everything (node) directly and through the gateway, rounds alternated between the two.
function upstream_row(    cost) {
  if (ENVIRON["BENCH_UPSTREAM_SKIPPED"] != "") {
    printf "%-3s %-46s skipped: %s\n", "7", "upstream server-everything", ENVIRON["BENCH_UPSTREAM_SKIPPED"]
  } else {
    printf "%-3s %-46s %8.0f %7s %7.2f %7.2f %8d %6.0f  (cpu us: node's)\n", "7", "server-everything direct (node, sessions, echo)",
      rps["up_direct"], "", p50["up_direct"] / 1000, p99["up_direct"] / 1000, bad["up_direct"], cpu["up_direct"]
    printf "%-3s %-46s %8.0f %6.0f%% %7.2f %7.2f %8d %6.0f  (cpu us: the gateway's; %% of direct)\n", "7", "the same through serve (sessions, HS256)",
      rps["up_gateway"], 100 * rps["up_gateway"] / rps["up_direct"], p50["up_gateway"] / 1000, p99["up_gateway"] / 1000, bad["up_gateway"], cpu["up_gateway"]
    cost = 1 - rps["up_gateway"] / rps["up_direct"]
    printf "%-3s %-46s %7.1f%%  (1 - gateway / direct; %d rounds each, alternated)   %-8s %s\n", "7", "gateway's cost in front of server-everything",
      100 * cost, ENVIRON["BENCH_ROUNDS"], "<=15%", verdict(cost <= 0.15 && bad["up_gateway"] == 0)
    printf "    (cpu a call: node %.0f us direct, %.0f us behind the gateway; the gateway %.0f us; all three share the 2 cores with wrk)\n",
      cpu["up_direct"], ucpu["up_gateway"], cpu["up_gateway"]
  }
}
FILENAME ~ /results$/ {
  add($1, $0)
  # Every ceiling round also counts toward row 1, the ceiling over the whole run.
  if ($1 ~ /^ceiling@/) add("ceiling", $0)
  if ($1 ~ /^bare@/) add("bare", $0)
  next
}
FILENAME ~ /startup$/ { start_med[$1] = $2; start_min[$1] = $3; start_max[$1] = $4; next }
FILENAME ~ /jmh.csv$/ && FNR > 1 {
  gsub(/"/, ""); split($0, c, ",")
  name = c[1]; sub(/.*\./, "", name)
  jmh[name] = c[5]; jmh_err[name] = c[6]
  next
}
END {
  if (ENVIRON["BENCH_ONLY"] == "upstream") {
    printf "mcp-auth benchmark, row 7 only%s: nproc=%s, %s\n", ENVIRON["BENCH_QUICK"] == 1 ? " (--quick)" : "", ENVIRON["BENCH_NPROC"], ENVIRON["BENCH_JAVA"]
    printf "wrk -t2 -c32 on 127.0.0.1, %s s measured after a %s-%s s warm-up per side (until steady), in %s rounds each, alternated\n\n",
      ENVIRON["BENCH_DUR"], ENVIRON["BENCH_WARM"], ENVIRON["BENCH_WARM_MAX"], ENVIRON["BENCH_ROUNDS"]
    printf "%-3s %-46s %8s %7s %7s %7s %8s %6s  %-28s %s\n", "#", "load", "req/s", "direct", "p50 ms", "p99 ms", "non-2xx", "cpu us", "target", ""
    upstream_row()
    exit
  }
  printf "mcp-auth benchmark%s: nproc=%s, %s\n", ENVIRON["BENCH_QUICK"] == 1 ? " (--quick)" : "", ENVIRON["BENCH_NPROC"], ENVIRON["BENCH_JAVA"]
  printf "wrk -t2 -c32 on 127.0.0.1, %s s measured after a %s-%s s warm-up per row (until steady), in %s rounds each followed by a round on the ceiling;\n",
    ENVIRON["BENCH_DUR"], ENVIRON["BENCH_WARM"], ENVIRON["BENCH_WARM_MAX"], ENVIRON["BENCH_ROUNDS"]
  printf "tools/call add_numbers; a row's %% is of the ceiling rounds alternated with it, which get the row's own request, token included\n(row 1: all ceiling rounds)\n\n"
  printf "%-3s %-46s %8s %7s %7s %7s %8s %6s  %-28s %s\n", "#", "load", "req/s", "ceil", "p50 ms", "p99 ms", "non-2xx", "cpu us", "target", ""
  row("1", "ceiling", "bare Undertow, same request and response bytes", "ceiling", "")
  printf "%-3s %-46s %8.0f  (the HS256 call without its token; HS256 is %.0f%% of it, %.0f%% of the ceiling with the token)\n", "1",
    "bare Undertow, no Authorization header", rps["bare"], 100 * ratio("hs256", "bare"), 100 * ratio("hs256")
  printf "%-3s %-46s %8.0f %6.0f%%  (HS256 is %.0f%% of it: the shortfall is the gateway's work, the rest of the gap to the ceiling the hand-off)\n", "1",
    "bare Undertow on a virtual thread, no work", rps["vt@hs256"], 100 * rps["vt@hs256"] / rps["ceiling@hs256"], 100 * ratio("hs256", "vt")
  stateless("2", "hs256", "stateless JSON, HS256", 0.5)
  stateless("2", "es256", "stateless JSON, ES256 (JWKS, local key)", 0.5)
  stateless("2", "rs256", "stateless JSON, RS256 (JWKS)", 0.5)
  stateless("2", "introspection", "stateless JSON, introspection (cached)", 0.5)
  printf "    (introspection endpoint called %d times during that load: the cache answers)\n", ENVIRON["BENCH_INTRO"]
  split("s_hs256 s_es256 s_rs256 s_introspection", sk, " ")
  split("HS256 ES256 RS256 introspection", sl, " ")
  for (i = 1; i <= 4; i++) {
    ok = ratio(sk[i]) >= 0.35 && bad[sk[i]] == 0
    row("3", sk[i], "sessions, SSE, " sl[i], ">=35%, 0 non-2xx", verdict(ok))
  }
  # Row 4: the auth-cost pair (one JVM, two listeners), rounds alternated between them; no ceiling rounds.
  split("authoff authon authoff_bare", pk, " ")
  pl[1] = "auth off: the chain without BearerAuth"; pl[2] = "auth on: the same chain, HS256"; pl[3] = "auth off, the call without its token"
  for (i = 1; i <= 3; i++) {
    k = pk[i]
    printf "%-3s %-46s %8.0f %7s %7.2f %7.2f %8d %6.0f\n", "4", pl[i], rps[k], "", p50[k] / 1000, p99[k] / 1000, bad[k], cpu[k]
  }
  cost = 1 - rps["authon"] / rps["authoff"]
  printf "%-3s %-46s %7.1f%%  (1 - on / off, same request; %d rounds each, alternated)  %-8s %s\n", "4", "cost of authentication", 100 * cost,
    ENVIRON["BENCH_PAIR_ROUNDS"], "<=10%", verdict(cost <= 0.10)
  printf "    (cpu %+.1f us a call; against auth off without the token on the wire: %.1f%%, cpu %+.1f us)\n", cpu["authon"] - cpu["authoff"],
    100 * (1 - rps["authon"] / rps["authoff_bare"]), cpu["authon"] - cpu["authoff_bare"]
  row("5", "accepted_dyn", "accepted ES256, per-request token script", "", "")
  split("bad_signature unknown_kid", fk, " ")
  fl[1] = "flood: bad signature, " ENVIRON["BENCH_FLOOD_N"] " distinct tokens"
  fl[2] = "flood: unknown kid, " ENVIRON["BENCH_FLOOD_N"] " distinct tokens"
  for (i = 1; i <= 2; i++) {
    k = fk[i]
    printf "%-3s %-46s %8.0f %6.0f%% %7.2f %7.2f %8s %6.0f  %-28s %s\n", "5", fl[i], rps[k], 100 * ratio(k), p50[k] / 1000, p99[k] / 1000,
      "all", cpu[k], "cpu/req <= accepted +5%", verdict(cpu[k] <= 1.05 * cpu["accepted_dyn"])
  }
  printf "    (non-2xx = every flood request: 401 until the loopback client spends its failed-token budget, then 429 unverified; one of each afterwards answered: %s)\n", ENVIRON["BENCH_FLOOD_STATUS"]
  # nimbus RateLimitedJWKSetSource: a window of 30 s opens on a fetch and admits one more fetch inside it.
  allowed = 2 * (1 + int(ENVIRON["BENCH_FLOOD_SECS"] / 30))
  printf "%-3s %-46s %8d  in %d s of floods; limit <= 2 per 30 s window: <= %d          %s\n", "5", "JWKS fetches during both floods", ENVIRON["BENCH_FETCHES"],
    ENVIRON["BENCH_FLOOD_SECS"], allowed, verdict(ENVIRON["BENCH_FETCHES"] <= allowed)
  allowed = 2 * (1 + int(ENVIRON["BENCH_JWKS_SECS"] / 30))
  printf "%-3s %-46s %8d  in %d s (start to stop); <= %d allowed                    %s\n", "5", "JWKS fetches by that gateway in all", ENVIRON["BENCH_JWKS_TOTAL"],
    ENVIRON["BENCH_JWKS_SECS"], allowed, verdict(ENVIRON["BENCH_JWKS_TOTAL"] <= allowed)
  upstream_row()
  printf "\nJMH (verifiers alone, average time)\n"
  printf "    %-40s %10.0f ns/op (+- %.0f)\n", "HS256 verify (SharedSecretVerifier)", jmh["hs256Verify"], jmh_err["hs256Verify"]
  printf "    %-40s %10.0f ns/op (+- %.0f)\n", "ES256 verify (JwksVerifier, local key)", jmh["es256Verify"], jmh_err["es256Verify"]
  printf "    %-40s %10.0f ns/op (+- %.0f)\n", "cache hit (CachingVerifier)", jmh["cacheHit"], jmh_err["cacheHit"]
  printf "\nJMH (one Policy.decide per call, average time)\n"
  printf "    %-40s %10.0f ns/op (+- %.0f)\n", "scopes only", jmh["scopesOnly"], jmh_err["scopesOnly"]
  printf "    %-40s %10.0f ns/op (+- %.0f)\n", "scopes through implications", jmh["scopesThroughImplications"], jmh_err["scopesThroughImplications"]
  printf "    %-40s %10.0f ns/op (+- %.0f)\n", "CEL condition on claims", jmh["celConditionOnClaims"], jmh_err["celConditionOnClaims"]
  printf "    %-40s %10.0f ns/op (+- %.0f)\n", "CEL condition on claims and args", jmh["celConditionOnClaimsAndArgs"], jmh_err["celConditionOnClaimsAndArgs"]
  printf "    %-40s %10.0f ns/op (+- %.0f)\n", "rate limit charge + release", jmh["rateLimitChargeAndRelease"], jmh_err["rateLimitChargeAndRelease"]
  printf "\nStart-up, median of 10 (min-max), ms; %s\n", ENVIRON["BENCH_AOT"]
  printf "    %-40s %6d (%d-%d)   cache disabled: %d (%d-%d)   target <250 %s\n", "serve --stdio to initialize response",
    start_med["stdio_aot"], start_min["stdio_aot"], start_max["stdio_aot"], start_med["stdio_noaot"], start_min["stdio_noaot"], start_max["stdio_noaot"],
    verdict(start_med["stdio_aot"] < 250)
  startup_row("mcp-auth --help", "help")
  startup_row("mcp-auth --version", "version")
  startup_row("mcp-auth token mint --secret", "mint")
  split(ENVIRON["BENCH_RSS"], r, " ")
  printf "\nMemory: RSS of serve --stateless (HS256), launcher default heap\n"
  printf "    idle %d MB (target <120 %s); after load round 1 (%s s) %d MB, round 2 %d MB (target <250 %s; growth %+d MB %s)\n",
    r[1], verdict(r[1] < 120), ENVIRON["BENCH_MEM_ROUND"], r[2], r[3], verdict(r[2] < 250 && r[3] < 250), r[3] - r[2], verdict(r[3] - r[2] <= 5)
}

# A CLI command's start-up row (#18: CLI commands < 150 ms median).
function startup_row(label, key) {
  printf "    %-40s %6d (%d-%d)   cache disabled: %d (%d-%d)   target <150 %s\n", label,
    start_med[key "_aot"], start_min[key "_aot"], start_max[key "_aot"], start_med[key "_noaot"], start_min[key "_noaot"], start_max[key "_noaot"],
    verdict(start_med[key "_aot"] < 150)
}
