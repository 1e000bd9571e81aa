-- The hostile client of bench/abuse.py: POSTs /graphql bodies picked at
-- random from a file (one per line), all from one client address
-- (X-Forwarded-For from BENCH_FORWARDED_FOR, believed when the server
-- trusts loopback as its proxy). Counts answers by status; done() prints
-- one JSON line.
--   wrk ... -s bench/wrk/flood.lua <url> -- <bodies.jsonl>

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      table.insert(bodies, line)
    end
  end
  math.randomseed(7 + #bodies)
  statuses = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/graphql-response+json"
  local forwarded = os.getenv("BENCH_FORWARDED_FOR")
  if forwarded ~= nil then
    wrk.headers["X-Forwarded-For"] = forwarded
  end
end

function request()
  return wrk.format(nil, nil, nil, bodies[math.random(#bodies)])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for status, n in pairs(s) do
      total[status] = (total[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  io.write(string.format('FLOOD_RESULT {"requests":%d,"duration_us":%d,"p99_us":%d,' ..
    '"socket_errors":%d,"statuses":{%s}}\n', summary.requests, summary.duration,
    latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ",")))
end
