#ifndef SWITCHBOARD_CLI_EVENT_PRINTER_H_
#define SWITCHBOARD_CLI_EVENT_PRINTER_H_

// One line per event, for `switchboard-cli tail` and the operator console
// (admin/). Pure functions.

#include <string>

#include "absl/status/statusor.h"
#include "switchboard/v1/event.pb.h"

namespace switchboard::cli {

// A readable summary without a trailing newline:
//   #7 2026-11-24T19:57:08.712Z call.completed     <id> call_id=call_8f3a2b1c
//   direction=inbound from=+14155559876 to=+14155551234 duration=185s
//   agent_name="Jordan Lee" status=completed
// (one line): sequence, received time (UTC, ms), type, id, then the payload's
// key fields named as in the schema. Values with spaces are quoted, long
// texts (SMS bodies, transcriptions) shortened, durations in seconds get an
// "s", control characters escaped, so each event stays on one line. Types the
// schema does not know show their data (Event.other) as compact JSON.
std::string FormatEventSummary(const v1::Event& event);

// The payload part of FormatEventSummary() (key fields named as in the
// schema), for the operator console's tables.
std::string FormatPayloadSummary(const v1::Event& event);

// The event's protobuf JSON form on one line (lowerCamelCase names, 64-bit
// integers as strings), as grpcurl and buf curl print it.
absl::StatusOr<std::string> FormatEventJson(const v1::Event& event);

}  // namespace switchboard::cli

#endif  // SWITCHBOARD_CLI_EVENT_PRINTER_H_
