-- wrk script for `bench.wrk`: prebuilt bodies, each request a different one, replies tallied.
--
-- Arguments (after `--`): bodies file (`bench.workloads.write_bodies`: 4-byte little-endian length, then the
-- body), path, ack mode ("accepted" or "one-per-200"), wrk's thread count, then header lines "Name: value".
-- Thread k of n sends bodies k, k + n, k + 2n, ... of the file, each request formatted once in `init`, so a
-- request costs the generator nothing but the send. A thread that runs out starts again from its first body
-- and counts the wrap: the caller reports it (the collector would acknowledge a repeat without storing it).
-- `done` prints one JSON line, prefixed "wrk-result ", that `bench.wrk` reads.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function read_u32le(file)
  local raw = file:read(4)
  if raw == nil or #raw < 4 then
    return nil
  end
  local b1, b2, b3, b4 = raw:byte(1, 4)
  return b1 + b2 * 256 + b3 * 65536 + b4 * 16777216
end

local requests_formatted = {}
local position = 0
local ack_accepted = true
statuses = {}
acked = 0
wraps = 0

function init(args)
  local path, url_path, ack, thread_count = args[1], args[2], args[3], tonumber(args[4])
  ack_accepted = (ack == "accepted")
  local headers = {}
  for i = 5, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  local file = assert(io.open(path, "rb"))
  local n = 0
  while true do
    local size = read_u32le(file)
    if size == nil then
      break
    end
    if n % thread_count == index then
      local body = file:read(size)
      requests_formatted[#requests_formatted + 1] = wrk.format("POST", url_path, headers, body)
    else
      file:seek("cur", size)
    end
    n = n + 1
  end
  file:close()
  assert(#requests_formatted > 0, "no bodies for this thread")
  -- Every thread's init runs before wrk's clock starts: the last one's CPU clock is what loading cost.
  loaded_cpu_s = os.clock()
end

function request()
  position = position + 1
  if position > #requests_formatted then
    position = 1
    wraps = wraps + 1
  end
  return requests_formatted[position]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if ack_accepted then
    if status == 202 then
      acked = acked + tonumber(body:match('"accepted":(%d+)') or 0)
    end
  elseif status == 200 then
    acked = acked + 1
  end
end

function done(summary, latency, requests)
  local merged, total_acked, total_wraps, loaded_cpu = {}, 0, 0, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      merged[tostring(status)] = (merged[tostring(status)] or 0) + n
    end
    total_acked = total_acked + thread:get("acked")
    total_wraps = total_wraps + thread:get("wraps")
    loaded_cpu = math.max(loaded_cpu, thread:get("loaded_cpu_s"))
  end
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout
  if failed > 0 then
    merged["error"] = failed
  end
  local parts = {}
  for status, n in pairs(merged) do
    parts[#parts + 1] = string.format('"%s":%d', status, n)
  end
  io.write(string.format(
    'wrk-result {"requests":%d,"statuses":{%s},"acked_events":%d,"duration_us":%d,' ..
    '"p50_us":%d,"p99_us":%d,"max_us":%d,"wraps":%d,"loading_cpu_s":%.3f}\n',
    summary.requests, table.concat(parts, ","), total_acked, summary.duration,
    latency:percentile(50), latency:percentile(99), latency.max, total_wraps, loaded_cpu))
end
