#ifndef SWITCHBOARD_ADMIN_TAIL_COMMAND_H_
#define SWITCHBOARD_ADMIN_TAIL_COMMAND_H_

#include <cstdint>
#include <string>
#include <variant>

#include "absl/strings/string_view.h"
#include "server/event_filter.h"
#include "simdjson.h"

namespace switchboard::admin {

// A console viewer's command on the live tail (TailSession's protocol):
//   {"op":"follow","after":SEQ,"types":"call.*,sms.*","q":"text"}
//   {"op":"pause"}
struct TailCommand {
  enum Kind { kFollow, kPause } kind = kPause;
  // kFollow: events after this sequence (default: the newest event's).
  uint64_t after = 0;
  server::EventFilter filter;  // everything unless `types` narrows it
  std::string text;            // lower case; "" matches every event
};

// Why a command was refused, and the field at fault ("" for the whole).
struct TailCommandError {
  std::string message;
  std::string field;
};

// Parses one text frame from a viewer. `newest`: the log's last sequence,
// the default `after` and its limit. `parser` is reused between frames.
std::variant<TailCommand, TailCommandError> ParseTailCommand(simdjson::dom::parser& parser,
                                                             absl::string_view text,
                                                             uint64_t newest);

// The error frame for `error`: {"kind":"error","message":…,"field":…}.
std::string TailErrorJson(const TailCommandError& error);

}  // namespace switchboard::admin

#endif  // SWITCHBOARD_ADMIN_TAIL_COMMAND_H_
