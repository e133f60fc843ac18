-- One static request (wrk builds it once): tools/call add_numbers, with the token of BENCH_TOKEN_FILE if set.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
wrk.method = "POST"
wrk.body = bench.call
wrk.headers = bench.headers(bench.token())
