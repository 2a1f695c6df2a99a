-- wrk script: replays a plan of requests, one per line (METHOD, PATH, COOKIE, BODY, tab-separated).
-- Arguments after "--": the plan file, the number of threads, the expected status code.
-- Thread i starts at line i and steps by the thread count, so no request of the plan (a quiz
-- submission, say) is sent twice until the plan runs out ("wrapped" counts how often it did).
-- BENCH_PORTS="8001,8002" puts thread i on the i-th port, round robin (several app servers).
local threads = {}
local count = 0

function setup(thread)
  thread:set("id", count)
  local ports = os.getenv("BENCH_PORTS")
  if ports and ports ~= "" then
    local list = {}
    for port in string.gmatch(ports, "[^,]+") do table.insert(list, port) end
    local port = list[(count % #list) + 1]
    thread.addr = wrk.lookup(wrk.host, port)[1]
  end
  count = count + 1
  table.insert(threads, thread)
end

local requests = {}
local position, step = 1, 1
unexpected, wrapped, first_unexpected = 0, 0, ""
local expected

function init(args)
  step = tonumber(args[2])
  expected = tonumber(args[3])
  for line in io.lines(args[1]) do
    local method, path, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)$")
    local headers = {}
    if cookie ~= "" then headers["Cookie"] = cookie end
    if method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    else
      body = nil
    end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  position = id + 1
end

function request()
  local r = requests[position]
  position = position + step
  if position > #requests then
    position = ((position - 1) % #requests) + 1
    wrapped = wrapped + 1
  end
  return r
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
    if first_unexpected == "" then
      first_unexpected = tostring(status) .. " " .. (headers["Location"] or "")
    end
  end
end

function done(summary, latency, requests)
  local bad, wraps, sample = 0, 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    wraps = wraps + thread:get("wrapped")
    local first = thread:get("first_unexpected")
    if sample == "" and first ~= "" then sample = first end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "status": %d, "unexpected": %d, "wrapped": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "sample": "%s"}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    bad, wraps, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, sample))
end
