#include "admin/tail_command.h"

#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/http_handler.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace switchboard::admin {
namespace {

constexpr size_t kMaxText = 256;

// The member `name` of `command` when present and not null.
bool Present(simdjson::dom::element command, const char* name, simdjson::dom::element* value) {
  return command[name].get(*value) == simdjson::SUCCESS && !value->is_null();
}

}  // namespace

std::variant<TailCommand, TailCommandError> ParseTailCommand(simdjson::dom::parser& parser,
                                                             absl::string_view text,
                                                             uint64_t newest) {
  simdjson::dom::element command;
  if (parser.parse(text.data(), text.size()).get(command) != simdjson::SUCCESS ||
      !command.is_object()) {
    return TailCommandError{"not a JSON object; send {\"op\":\"follow\",\"after\":SEQ,"
                            "\"types\":\"call.*\",\"q\":\"text\"} or {\"op\":\"pause\"}",
                            ""};
  }
  std::string_view op;
  if (command["op"].get(op) != simdjson::SUCCESS || (op != "pause" && op != "follow")) {
    return TailCommandError{"`op` must be \"follow\" or \"pause\"", "op"};
  }
  TailCommand parsed;
  if (op == "pause") return parsed;
  parsed.kind = TailCommand::kFollow;
  parsed.after = newest;
  simdjson::dom::element value;
  if (Present(command, "after", &value) && value.get(parsed.after) != simdjson::SUCCESS) {
    return TailCommandError{"`after` must be a sequence number (a non-negative integer)",
                            "after"};
  }
  if (Present(command, "types", &value)) {
    std::string_view types;
    if (value.get(types) != simdjson::SUCCESS) {
      return TailCommandError{"`types` must be a string of comma-separated patterns", "types"};
    }
    google::protobuf::RepeatedPtrField<std::string> patterns;
    for (absl::string_view pattern :
         absl::StrSplit(absl::string_view(types.data(), types.size()), ',', absl::SkipWhitespace())) {
      patterns.Add(std::string(absl::StripAsciiWhitespace(pattern)));
    }
    absl::StatusOr<server::EventFilter> filter = server::EventFilter::Parse(patterns);
    if (!filter.ok()) return TailCommandError{std::string(filter.status().message()), "types"};
    parsed.filter = *std::move(filter);
  }
  if (Present(command, "q", &value)) {
    std::string_view q;
    if (value.get(q) != simdjson::SUCCESS || q.size() > kMaxText) {
      return TailCommandError{absl::StrCat("`q` must be a string of at most ", kMaxText, " bytes"),
                              "q"};
    }
    parsed.text = absl::AsciiStrToLower(absl::string_view(q.data(), q.size()));
  }
  if (parsed.after > newest) {
    return TailCommandError{
        absl::StrCat("`after` ", parsed.after, " is ahead of the newest sequence ", newest),
        "after"};
  }
  return parsed;
}

std::string TailErrorJson(const TailCommandError& error) {
  return absl::StrCat("{\"kind\":\"error\",\"message\":", gateway::JsonQuote(error.message),
                      error.field.empty() ? "" : absl::StrCat(",\"field\":", gateway::JsonQuote(error.field)),
                      "}");
}

}  // namespace switchboard::admin
