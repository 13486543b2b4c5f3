-- wrk script of benchmarks/http/run.py: one scenario per run, chosen by the arguments after "--":
--   get <ids file>            GET /api/v1/Customer/<random seeded id>
--   update <ids file>         PATCH /api/v1/Customer/<random seeded id> with a new credit_limit
--   create <ids file> <tag>   POST /api/v1/Customer named "<tag>-<n>", unique per run
--   plain                     the URL given to wrk as it is (list, health)
-- done() prints one line "WRKJSON {...}" that run.py parses: counts, errors and latency percentiles
-- (microseconds) from wrk's own histogram.

local mode = "plain"
local ids = {}
local tag = ""
local counter = 0
local base = "/api/v1/Customer"

function init(args)
   mode = args[1] or "plain"
   if args[2] ~= nil and args[2] ~= "" then
      for line in io.lines(args[2]) do
         ids[#ids + 1] = line
      end
   end
   tag = args[3] or ""
   if mode == "create" or mode == "update" then
      wrk.headers["Content-Type"] = "application/json"
   end
   math.randomseed(os.time())
end

function request()
   if mode == "get" then
      return wrk.format("GET", base .. "/" .. ids[math.random(#ids)])
   elseif mode == "update" then
      local body = string.format('{"credit_limit":"%d.%02d"}', math.random(0, 99999), math.random(0, 99))
      return wrk.format("PATCH", base .. "/" .. ids[math.random(#ids)], nil, body)
   elseif mode == "create" then
      counter = counter + 1
      local body = string.format(
         '{"customer_name":"%s-%d","customer_type":"Company","territory":"North",' ..
         '"email":"buyer%d@example.com","credit_limit":"5000.00"}',
         tag, counter, counter)
      return wrk.format("POST", base, nil, body)
   end
   return wrk.format()
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,' ..
      '"status":%d,"timeout":%d,"p50":%d,"p90":%d,"p99":%d,"mean":%.1f,"max":%d}\n',
      summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean,
      latency.max))
end
