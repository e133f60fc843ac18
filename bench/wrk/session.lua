-- MCP with sessions: each wrk thread initializes as many sessions as it has connections (initialize, then
-- notifications/initialized on the new Mcp-Session-Id), then sends tools/call round-robin over them; the
-- responses are SSE. wrk has no per-connection hook, so "one session per connection" is per thread and counted.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local token = bench.token()
local initialize = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
  .. '"capabilities":{},"clientInfo":{"name":"wrk","version":"1"}}}'
local initialized = '{"jsonrpc":"2.0","method":"notifications/initialized"}'
local want, sessions, calls, pending, queue, next = 1, {}, {}, 0, {}, 0

-- BENCH_SESSIONS_FILE: session ids opened before the load (one a line, initialized), BENCH_SESSIONS_PER_THREAD of
-- them for each thread in turn; then the load is calls only. The upstream row uses it: a session of server-everything
-- costs its McpServer set-up (and, through the gateway, the upstream session's), which would fill short rounds.
local threads = 0
function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

function init(args)
  want = tonumber(os.getenv("BENCH_SESSIONS_PER_THREAD") or "16")
  local file = os.getenv("BENCH_SESSIONS_FILE")
  if file == nil or file == "" then return end
  local ids = bench.lines(file)
  for i = 1, want do
    local id = ids[thread_index * want + i]
    if id == nil then error("BENCH_SESSIONS_FILE holds fewer than " .. want .. " sessions per thread") end
    local h = bench.headers(token)
    h["Mcp-Session-Id"] = id
    sessions[#sessions + 1] = id
    calls[#calls + 1] = wrk.format("POST", nil, h, bench.call)
  end
end

function request()
  if #queue > 0 then return table.remove(queue) end
  if #sessions + pending < want then
    pending = pending + 1
    return wrk.format("POST", nil, bench.headers(token), initialize)
  end
  if #calls == 0 then -- every initialize is in flight: wait on one more, it is cheap and rare
    return wrk.format("POST", nil, bench.headers(token), initialize)
  end
  next = next % #calls + 1
  return calls[next]
end

function response(status, headers, body)
  if #sessions >= want then return end
  local id = headers["Mcp-Session-Id"] or headers["mcp-session-id"]
  if id ~= nil then
    pending = math.max(0, pending - 1)
    sessions[#sessions + 1] = id
    local h = bench.headers(token)
    h["Mcp-Session-Id"] = id
    queue[#queue + 1] = wrk.format("POST", nil, h, initialized)
    calls[#calls + 1] = wrk.format("POST", nil, h, bench.call)
  end
end
