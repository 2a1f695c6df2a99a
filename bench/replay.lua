-- wrk script: replays a plan of requests, one per line (METHOD, PATH, COOKIE, BODY, tab-separated).
-- Arguments after "--": the plan file, the number of threads, the expected status code, the
-- plan line to start at (0-based: a measured run starts after the lines its warm-up sent), the
-- answers each thread is to have (0: run until wrk's -d duration ends) and a tally file, a Lua
-- pattern the Location header must match ("" for any) and "once" if every request may be
-- answered only once (a quiz submission).
-- With a number of answers, a thread that has its share marks the tally file and carries on;
-- once every thread has, the bench interrupts wrk (SIGINT), which stops it as the end of its -d
-- duration would (the duration then only ends a hang). A thread cannot stop alone: wrk would
-- sleep out the duration, and the connection it opened for its next request would hold a
-- sync worker.
-- Thread i starts at line start + i and steps by the thread count, so no request of the plan is
-- sent twice until the plan runs out ("wrapped" counts the requests sent again past its end,
-- from its first line). "next_line" is the line after the last one any thread sent: where the
-- next run starts, so that it sends nothing this run did (a request sent but not answered may
-- still have been served).
-- A "once" plan's answer that sets a cookie is a replay: the app answers a quiz submission it
-- grades with a bare redirect to the review, and flashes a message (carried in the session
-- cookie) only when it did not grade it ("already submitted", "closed without counting").
-- Replays are counted apart from the other unexpected answers; the bench counts both as errors.
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
local index, step = 0, 1
local expected, location, once, wanted, tally = 200, "", false, 0, ""
unexpected, replays, wrapped, answered, last_sent, first_unexpected = 0, 0, 0, 0, 0, ""

function init(args)
  step = tonumber(args[2])
  expected = tonumber(args[3])
  local start = tonumber(args[4] or "0")
  wanted = tonumber(args[5] or "0")
  tally = args[6] or ""
  location = args[7] or ""
  once = args[8] == "once"
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
  index = start + id
end

function request()
  local r = requests[(index % #requests) + 1]
  if index >= #requests then wrapped = wrapped + 1 end
  last_sent = math.max(last_sent, index + 1)
  index = index + step
  return r
end

local function note(what)
  if first_unexpected == "" then first_unexpected = what end
end

function response(status, headers, body)
  local where = headers["Location"] or ""
  if status ~= expected then
    unexpected = unexpected + 1
    note(tostring(status) .. " " .. where)
  elseif location ~= "" and not where:match(location) then
    unexpected = unexpected + 1
    note(tostring(status) .. " " .. where)
  elseif once and headers["Set-Cookie"] then
    replays = replays + 1
    note("replay: " .. tostring(status) .. " " .. where)
  end
  answered = answered + 1
  if wanted > 0 and answered == wanted then
    local mark = assert(io.open(tally, "a"))
    mark:write("x")
    mark:close()
  end
end

function done(summary, latency, requests)
  local bad, again, wraps, next_line, sample = 0, 0, 0, 0, ""
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    again = again + thread:get("replays")
    wraps = wraps + thread:get("wrapped")
    next_line = math.max(next_line, thread:get("last_sent"))
    local first = thread:get("first_unexpected")
    if sample == "" and first ~= "" then sample = first end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "status": %d, "unexpected": %d, "replays": %d, ' ..
    '"wrapped": %d, "next_line": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "sample": "%s"}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    bad, again, wraps, next_line, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, sample))
end
