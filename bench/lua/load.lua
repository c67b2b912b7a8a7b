-- One wrk script for every scenario. Environment:
--   BENCH_TOKENS  file of bearer tokens, one a line (absent: no Authorization header);
--                 each request takes the next token, threads start at different places
--   BENCH_METHOD  GET (default) or POST;  BENCH_PATH  path and query (default: the URL's)
--   BENCH_BODY    request body (JSON) for POST
--   BENCH_IDEM    when set, every request gets its own Idempotency-Key with this prefix
--   BENCH_ONCE    when set (to the number of wrk threads), each token is sent once: thread n
--                 takes every n-th token and stops when all of its tokens have an answer
-- done() prints one line `BENCH {json}` that bench/run.py reads.
local tokens, counter, threads, answered = {}, 0, 0, 0
tid = 0  -- a global: setup() sets it per thread
local once = tonumber(os.getenv("BENCH_ONCE") or "")

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  local file = os.getenv("BENCH_TOKENS")
  if file and file ~= "" then
    local i = 0
    for line in io.lines(file) do
      if line ~= "" then
        if not once or i % once == tid then tokens[#tokens + 1] = line end
        i = i + 1
      end
    end
  end
  counter = once and -1 or tid * 7919
end

function response(status, headers, body)
  if once then
    answered = answered + 1
    if answered >= #tokens then wrk.thread:stop() end
  end
end

function request()
  counter = counter + 1
  local headers = {}
  if #tokens > 0 then
    headers["Authorization"] = "Bearer " .. tokens[(counter % #tokens) + 1]
  end
  local idem = os.getenv("BENCH_IDEM")
  if idem and idem ~= "" then
    headers["Idempotency-Key"] = idem .. "-" .. tid .. "-" .. counter
  end
  local body = os.getenv("BENCH_BODY")
  if body and body ~= "" then
    headers["Content-Type"] = "application/json"
  end
  return wrk.format(os.getenv("BENCH_METHOD") or "GET", os.getenv("BENCH_PATH") or wrk.path,
                    headers, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50": %.3f, "p95": %.3f, "p99": %.3f, '
    .. '"status_errors": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, e.status,
    e.connect + e.read + e.write + e.timeout))
end
