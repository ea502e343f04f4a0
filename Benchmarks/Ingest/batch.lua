-- wrk script: every request is a /v1/batch of 100 distinct Segment messages (unique messageIds, so nothing
-- is deduplicated), from a pool of 20,000 users, mixing page views, cart adds, orders and identifies.
--
-- Two ways to load the server:
--   closed loop (default): each connection sends its next request as soon as the previous one is answered,
--     which measures the most the server sustains; latency is then set by the number of connections.
--   paced (BENCH_RATE=requests/s, BENCH_THREADS=wrk's -t): requests leave on a fixed schedule whatever the
--     answers, the way independent clients send, which measures latency at that rate. A connection that is
--     still waiting when its slot comes sends late; done() reports how many slots went out late and by how
--     much, so that a schedule the server could not keep is visible rather than hidden in the figures.
-- thread_id is set per thread by setup() (a global in each thread's Lua state)
local counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

local rate = tonumber(os.getenv("BENCH_RATE") or "")
if rate then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *ts);
  ]]
  local ts = ffi.new("bench_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
  local interval = 1000 * nthreads / rate
  local next_slot = nil
  late, late_max = 0, 0 -- globals, read by done() through thread:get

  function delay()
    local now = now_ms()
    -- threads take interleaved slots: thread k starts k intervals / threads in
    next_slot = next_slot or (now + (thread_id - 1) * interval / nthreads)
    local slot = next_slot
    next_slot = next_slot + interval
    local wait = slot - now
    if wait < -1 then
      late = late + 1
      late_max = math.max(late_max, -wait)
    end
    return math.max(0, math.floor(wait + 0.5))
  end

  function done(summary, latency, requests)
    local count, worst = 0, 0
    for _, t in ipairs(threads) do
      count = count + t:get("late")
      worst = math.max(worst, t:get("late_max"))
    end
    io.write(string.format("paced: %d of %d requests left more than 1 ms after their slot (worst %.1f ms)\n",
      count, summary.requests, worst))
  end
end

-- Message and order ids carry the run (BENCH_RUN, else the time): a second wrk run against the same server,
-- such as a measured run after a warm-up, must not resend the first one's ids (they would be stored as
-- duplicates, which costs much less than new events and would inflate the figures).
local run = os.getenv("BENCH_RUN") or tostring(os.time())

-- BENCH_SHUFFLE=SECONDS: every message carries a timestamp up to that many seconds in the past, drawn at random,
-- so that a user's events arrive out of order as mobile batches and retries deliver them. Unset: no timestamp
-- (the server takes the time received, so every event is on time).
local shuffle = tonumber(os.getenv("BENCH_SHUFFLE") or "")

function init(args)
  math.randomseed(thread_id * 7919)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Basic " .. os.getenv("BENCH_AUTH")
end

local events = {
  function(u) return '"type":"track","event":"Product Viewed","properties":{"product_id":"sku-' .. math.random(1, 300) .. '","price":19.5}' end,
  function(u) return '"type":"track","event":"Product Added","properties":{"product_id":"sku-' .. math.random(1, 300) .. '","price":24.0,"quantity":1}' end,
  function(u) return '"type":"page","name":"Home","properties":{"path":"/"}' end,
  function(u) return '"type":"track","event":"Order Completed","properties":{"order_id":"o-' .. run .. '-' .. thread_id .. '-' .. counter .. '","revenue":59.9}' end,
  function(u) return '"type":"identify","traits":{"email":"user' .. u .. '@example.com","plan":"pro","city":"New York"}' end,
}

function request()
  counter = counter + 1
  local parts = {}
  for i = 1, 100 do
    local u = math.random(1, 20000)
    local kind = math.random(1, 20)
    local body
    if kind <= 10 then body = events[1](u) elseif kind <= 15 then body = events[3](u) elseif kind <= 18 then body = events[2](u)
    elseif kind == 19 then body = events[4](u) else body = events[5](u) end
    local stamp = ""
    if shuffle then stamp = '"timestamp":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - math.random(0, shuffle)) .. '",' end
    parts[i] = '{"userId":"bench-' .. u .. '","messageId":"m-' .. run .. '-' .. thread_id .. '-' .. counter .. '-' .. i .. '",' .. stamp .. body .. '}'
  end
  return wrk.format(nil, nil, nil, '{"batch":[' .. table.concat(parts, ",") .. ']}')
end
