-- wrk script: POSTs the nine JustCall fixtures in rotation, each with a unique
-- request_id (otherwise the gateway answers retries as duplicates and stores
-- nothing). Usage: wrk -s bench/webhook_mix.lua http://HOST:PORT/webhooks/justcall
-- Reads the fixtures from $FIXTURES (default tests/fixtures/justcall).

local dir = os.getenv("FIXTURES") or "tests/fixtures/justcall"
local types = {"call.completed", "call.missed", "call.answered", "sms.received", "sms.sent",
               "sms.delivered", "voicemail.received", "contact.created", "contact.updated"}
local bodies = {}
for i, t in ipairs(types) do
  local f = assert(io.open(dir .. "/" .. t .. ".json", "rb"), "cannot read fixture " .. t)
  -- Without its leading "{", so a request_id can be put in front.
  bodies[i] = f:read("*a"):gsub("^%s*{", "", 1)
  f:close()
end

local thread_counter = 0
function setup(thread)
  thread_counter = thread_counter + 1
  thread:set("thread_id", thread_counter)
end

local n = 0
local run = tostring(os.time())
function request()
  n = n + 1
  local body = '{"request_id":"bench-' .. run .. '-' .. thread_id .. '-' .. n .. '",' ..
               bodies[(n % #bodies) + 1]
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format("non-2xx: %d, socket errors: %d\n", non2xx,
                         summary.errors.connect + summary.errors.read + summary.errors.write +
                         summary.errors.timeout))
end
