-- wrk script: every request is a /v1/batch of 100 distinct Segment messages (unique messageIds, so nothing
-- is deduplicated), from a pool of 20,000 users, mixing page views, cart adds, orders and identifies.
-- thread_id is set per thread by setup() (a global in each thread's Lua state)
local counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

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
  function(u) return '"type":"track","event":"Order Completed","properties":{"order_id":"o-' .. thread_id .. '-' .. counter .. '","revenue":59.9}' end,
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
    parts[i] = '{"userId":"bench-' .. u .. '","messageId":"m-' .. thread_id .. '-' .. counter .. '-' .. i .. '",' .. body .. '}'
  end
  return wrk.format(nil, nil, nil, '{"batch":[' .. table.concat(parts, ",") .. ']}')
end
