-- Shared by every bench script: the benchmarked call (BENCH_CALL, or add_numbers), and one machine-readable RESULT line for bench/run.sh.
bench = {}

-- BENCH_CALL replaces it (the upstream row calls server-everything's echo tool).
bench.call = os.getenv("BENCH_CALL")
if bench.call == nil or bench.call == "" then
  bench.call = '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"add_numbers","arguments":{"a":2,"b":3}}}'
end

function bench.headers(token)
  local h = {}
  h["Content-Type"] = "application/json"
  h["Accept"] = "application/json, text/event-stream"
  h["MCP-Protocol-Version"] = "2025-11-25"
  if token ~= nil and token ~= "" then h["Authorization"] = "Bearer " .. token end
  return h
end

function bench.lines(path)
  local t = {}
  for line in io.lines(path) do if line ~= "" then t[#t + 1] = line end end
  return t
end

function bench.token()
  local path = os.getenv("BENCH_TOKEN_FILE")
  if path == nil or path == "" then return nil end
  return bench.lines(path)[1]
end

-- wrk counts as "status errors" every response that is not 2xx or 3xx; the gateway sends no 3xx here.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
