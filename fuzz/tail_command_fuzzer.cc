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
#include "absl/strings/string_view.h"
#include "admin/tail_command.h"
#include "fuzz/filter_checks.h"
#include "server/event_filter.h"
#include "simdjson.h"

using switchboard::admin::ParseTailCommand;
using switchboard::admin::TailCommand;
using switchboard::admin::TailCommandError;

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
  switchboard::fuzz::CheckDescribesItself(command.filter);
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
