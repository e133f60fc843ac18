-- tools/call with a different token on each request, cycling through the lines of BENCH_TOKENS_FILE
-- (the invalid-token floods, and the accepted token through the same script for a fair comparison).
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local tokens, n, i

function init(args)
  tokens = bench.lines(os.getenv("BENCH_TOKENS_FILE"))
  n = #tokens
  i = math.random(n)
end

function request()
  i = i % n + 1
  return wrk.format("POST", nil, bench.headers(tokens[i]), bench.call)
end
