// libFuzzer target: any bytes as a text frame a console viewer sends on the
// live tail's WebSocket (GET /api/tail). ParseTailCommand either refuses the
// frame with an error whose JSON frame parses and names a known field, or
// yields a command within bounds: `after` never ahead of the log, the search
// text lower case and at most 256 bytes, and a type filter whose description
// parses back to the same filter. Nothing may crash or hang.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "admin/tail_command.h"
#include "server/event_filter.h"
#include "simdjson.h"

using switchboard::admin::ParseTailCommand;
using switchboard::admin::TailCommand;
using switchboard::admin::TailCommandError;
using switchboard::server::EventFilter;

namespace {

constexpr uint64_t kNewest = 1000;

void CheckError(const TailCommandError& error) {
  static simdjson::dom::parser* parser = new simdjson::dom::parser();
  const std::string frame = switchboard::admin::TailErrorJson(error);
  simdjson::dom::element parsed;
  std::string_view kind, message;
  if (parser->parse(frame).get(parsed) != simdjson::SUCCESS ||
      parsed["kind"].get(kind) != simdjson::SUCCESS || kind != "error" ||
      parsed["message"].get(message) != simdjson::SUCCESS || message.empty()) {
    std::abort();
  }
  if (!error.field.empty() && error.field != "op" && error.field != "after" &&
      error.field != "types" && error.field != "q") {
    std::abort();
  }
}

void CheckFollow(const TailCommand& command) {
  if (command.after > kNewest) std::abort();
  if (command.text.size() > 256 || absl::AsciiStrToLower(command.text) != command.text) {
    std::abort();
  }
  google::protobuf::RepeatedPtrField<std::string> described;
  for (absl::string_view pattern : absl::StrSplit(command.filter.Describe(), ',')) {
    described.Add(std::string(pattern));
  }
  absl::StatusOr<EventFilter> again = EventFilter::Parse(described);
  if (!again.ok()) std::abort();
  for (const char* type : {"call.completed", "call.answered", "sms.received", "contact.created",
                           "whatsapp.message.received", "unknown", ""}) {
    if (command.filter.Matches(type) != again->Matches(type)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static simdjson::dom::parser* parser = new simdjson::dom::parser();
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  std::variant<TailCommand, TailCommandError> parsed = ParseTailCommand(*parser, text, kNewest);
  if (const auto* error = std::get_if<TailCommandError>(&parsed)) {
    CheckError(*error);
  } else if (const auto& command = std::get<TailCommand>(parsed);
             command.kind == TailCommand::kFollow) {
    CheckFollow(command);
  }
  return 0;
}
