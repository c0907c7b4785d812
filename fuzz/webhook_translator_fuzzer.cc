// libFuzzer target: any bytes as a webhook body. The translator must return
// an event or an INVALID_ARGUMENT naming a field, never crash, hang or
// produce an event that protobuf cannot serialize and parse back; and an
// accepted event keeps `data` as sent: data_json is a JSON object taken from
// the body, which translates to the same data_json again.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/webhook_translator.h"
#include "switchboard/v1/event.pb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const switchboard::gateway::WebhookTranslator translator({});
  const absl::string_view body(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<switchboard::v1::Event> event =
      translator.Translate(body, absl::FromUnixSeconds(1700000000));
  if (!event.ok()) {
    if (event.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
    return 0;
  }
  if (event->id().empty() || event->type().empty()) std::abort();
  const std::string& kept = event->data_json();
  if (kept.empty() || kept.front() != '{' || kept.back() != '}' ||
      body.find(kept) == absl::string_view::npos) {
    std::abort();
  }
  absl::StatusOr<switchboard::v1::Event> again = translator.Translate(
      absl::StrCat("{\"event\":\"fuzz.again\",\"data\":", kept, "}"), absl::FromUnixSeconds(1700000000));
  if (!again.ok() || again->data_json() != kept) std::abort();
  std::string bytes;
  if (!event->SerializeToString(&bytes)) std::abort();
  switchboard::v1::Event parsed;
  if (!parsed.ParseFromString(bytes) || parsed.id() != event->id()) std::abort();
  return 0;
}
