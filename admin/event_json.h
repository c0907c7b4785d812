#ifndef SWITCHBOARD_ADMIN_EVENT_JSON_H_
#define SWITCHBOARD_ADMIN_EVENT_JSON_H_

// Events as the operator console's JSON API shows them. Pure functions,
// thread-safe.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard::admin {

// One row of a table, appended to `out`:
//   {"sequence":7,"id":"…","type":"call.completed","received_at":"…Z",
//    "occurred_at":"…Z","summary":"contact=… direction=…","mismatches":0,
//    "verified_by":["justcall"]}
// ("occurred_at" only when the webhook carried a timestamp).
void AppendEventSummaryJson(const v1::Event& event, std::string* out);

// Everything about one event, for the detail view and scripts:
//   {"sequence","id","type","received_at","occurred_at","received_after_ms",
//    "webhook_url","url_id","verified_by":[…],
//    "schema_mismatches":[{"path","reason"}], "catch_all_keys":["data.x",…],
//    "envelope_extras":{key: JSON text},
//    "typed": <the event's protobuf JSON without dataJson>,
//    "data_json": "<the webhook's data object exactly as sent, as a string>",
//    "replay":{"body":"…","curl":"…","cli":"…"}}
absl::StatusOr<std::string> EventDetailJson(const v1::Event& event);

// The paths of the keys of `data_json` that the typed payload does not hold
// ("data.queue_callback", "data.notes[0].extra"): keys no schema field has,
// found by walking data_json along the payload's descriptor (a
// json_inline message field reads the same object). Values that did not fit
// a field are schema mismatches, not listed here. Events of a type the schema
// does not know (Event.other) hold every key: none.
std::vector<std::string> CatchAllKeys(const v1::Event& event);

// A webhook body that stores this event again: JustCall's v2.1 envelope
// (request_id = the event's id, so a replay into the same instance is a
// duplicate), its envelope fields and extras, the timestamp when it had one,
// and `data` byte for byte.
std::string ReplayBody(const v1::Event& event);

// True when `needle` (already lower case, non-empty) occurs, ignoring ASCII
// case, in the event's id, type, data_json, webhook_url, url_id, envelope
// extras or schema mismatches.
bool MatchesText(const v1::Event& event, absl::string_view needle);

// RFC 3339 in UTC with milliseconds, "2026-12-01T23:31:11.203Z".
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);

}  // namespace switchboard::admin

#endif  // SWITCHBOARD_ADMIN_EVENT_JSON_H_
