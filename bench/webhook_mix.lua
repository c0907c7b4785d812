-- wrk script: POSTs JustCall fixtures in rotation, each with a unique
-- request_id (otherwise the gateway answers retries as duplicates and stores
-- nothing). Usage: wrk -s bench/webhook_mix.lua http://HOST:PORT/webhooks/justcall
-- Reads the fixtures from $FIXTURES (default tests/fixtures/justcall): the nine
-- flat samples, or with MIX=official JustCall's official v2.1 sample of each
-- of the 23 types in its list (FIXTURES/v2.1/, nested objects, ~1-2 KB each).

local dir = os.getenv("FIXTURES") or "tests/fixtures/justcall"
local types = {"call.completed", "call.missed", "call.answered", "sms.received", "sms.sent",
               "sms.delivered", "voicemail.received", "contact.created", "contact.updated"}
if os.getenv("MIX") == "official" then
  dir = dir .. "/v2.1"
  types = {"call.incoming", "call.answered", "call.missed", "call.voicemail", "call.enters_queue",
           "call.exits_queue", "call.initiated", "call.completed", "call.updated",
           "call.ai_voice_agent", "jc.call_ai_generated", "sms.sent_received", "sms.sent",
           "sms.received", "sms.status_updated", "whatsapp.message_sent",
           "whatsapp.message_received", "whatsapp.message_status_updated",
           "jc.contact_status_updated", "appointment.scheduled", "sd.call_completed",
           "sd.call_updated", "sd.call_ai_generated"}
end
local bodies = {}
for i, t in ipairs(types) do
  local f = assert(io.open(dir .. "/" .. t .. ".json", "rb"), "cannot read fixture " .. t)
  -- Without its leading "{" (and its own request_id), so a fresh request_id
  -- can be put in front.
  bodies[i] = f:read("*a"):gsub("^%s*{", "", 1):gsub('^%s*"request_id"%s*:%s*"[^"]*"%s*,', "", 1)
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
