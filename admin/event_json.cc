#include "admin/event_json.h"

#include <algorithm>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "cli/event_printer.h"
#include "common/time_util.h"
#include "gateway/http_handler.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "switchboard/v1/options.pb.h"

namespace switchboard::admin {
namespace {

using gateway::JsonQuote;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Where replayed webhooks go: the shell expands it, so one copied command
// works against whichever test instance $SWITCHBOARD_URL names.
constexpr absl::string_view kReplayUrl =
    "\"${SWITCHBOARD_URL:-http://127.0.0.1:8080}/webhooks/justcall\"";

bool ContainsIgnoreCase(absl::string_view haystack, absl::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char a, char b) {
                       return absl::ascii_tolower(static_cast<unsigned char>(a)) == b;
                     }) != haystack.end();
}

// Message types that hold JSON values whole (no keys of their own to match).
bool IsLeafMessage(const Descriptor* type) {
  const std::string& name = type->full_name();
  return name == "google.protobuf.Timestamp" || name == "google.protobuf.Struct" ||
         name == "google.protobuf.Value" || name == "google.protobuf.ListValue";
}

// `types` plus, transitively, the message types of their json_inline fields:
// every message a key of the same JSON object may fill.
std::vector<const Descriptor*> WithInline(std::vector<const Descriptor*> types) {
  for (size_t i = 0; i < types.size(); ++i) {
    for (int f = 0; f < types[i]->field_count(); ++f) {
      const FieldDescriptor* field = types[i]->field(f);
      if (field->message_type() != nullptr && field->options().GetExtension(v1::json_inline) &&
          std::find(types.begin(), types.end(), field->message_type()) == types.end()) {
        types.push_back(field->message_type());
      }
    }
  }
  return types;
}

void Walk(const google::protobuf::Struct& object, const std::vector<const Descriptor*>& types,
          const std::string& path, std::vector<std::string>* out) {
  const std::vector<const Descriptor*> all = WithInline(types);
  // Struct's map has no order: report keys sorted.
  std::map<std::string, const google::protobuf::Value*> keys;
  for (const auto& [key, value] : object.fields()) keys.emplace(key, &value);
  for (const auto& [key, value] : keys) {
    const std::string key_path = absl::StrCat(path, ".", key);
    bool held = false;
    std::vector<const Descriptor*> nested;  // message types this key fills
    bool repeated = false;
    for (const Descriptor* type : all) {
      const FieldDescriptor* field = type->FindFieldByName(key);
      if (field == nullptr) continue;
      held = true;
      if (field->message_type() != nullptr && !IsLeafMessage(field->message_type()) &&
          !field->is_map()) {
        nested.push_back(field->message_type());
        repeated = field->is_repeated();
      }
    }
    if (!held) {
      out->push_back(key_path);
      continue;
    }
    if (nested.empty()) continue;
    if (!repeated && value->has_struct_value()) {
      Walk(value->struct_value(), nested, key_path, out);
    } else if (repeated && value->has_list_value()) {
      const auto& items = value->list_value().values();
      for (int i = 0; i < items.size(); ++i) {
        if (items[i].has_struct_value()) {
          Walk(items[i].struct_value(), nested, absl::StrCat(key_path, "[", i, "]"), out);
        }
      }
    }
  }
}

// A here-document delimiter that does not occur in `body`.
std::string HeredocDelimiter(absl::string_view body) {
  std::string delimiter = "SWITCHBOARD_EVENT";
  for (int i = 2; absl::StrContains(body, delimiter); ++i) {
    delimiter = absl::StrCat("SWITCHBOARD_EVENT_", i);
  }
  return delimiter;
}

void AppendStringArray(const google::protobuf::RepeatedPtrField<std::string>& values,
                       std::string* out) {
  out->push_back('[');
  for (int i = 0; i < values.size(); ++i) {
    if (i > 0) out->push_back(',');
    out->append(JsonQuote(values[i]));
  }
  out->push_back(']');
}

}  // namespace

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", FromTimestamp(timestamp), absl::UTCTimeZone());
}

void AppendEventSummaryJson(const v1::Event& event, std::string* out) {
  absl::StrAppend(out, "{\"sequence\":", event.sequence(), ",\"id\":", JsonQuote(event.id()),
                  ",\"type\":", JsonQuote(event.type()),
                  ",\"received_at\":", JsonQuote(FormatTimestamp(event.received_at())));
  if (event.has_occurred_at()) {
    absl::StrAppend(out, ",\"occurred_at\":", JsonQuote(FormatTimestamp(event.occurred_at())));
  }
  absl::StrAppend(out, ",\"summary\":", JsonQuote(cli::FormatPayloadSummary(event)),
                  ",\"mismatches\":", event.schema_mismatches_size(), ",\"verified_by\":");
  AppendStringArray(event.verified_by(), out);
  out->push_back('}');
}

std::vector<std::string> CatchAllKeys(const v1::Event& event) {
  std::vector<std::string> keys;
  const google::protobuf::OneofDescriptor* payload =
      v1::Event::descriptor()->FindOneofByName("payload");
  const FieldDescriptor* field =
      event.GetReflection()->GetOneofFieldDescriptor(event, payload);
  if (field == nullptr || field->message_type() == nullptr ||
      IsLeafMessage(field->message_type())) {
    return keys;  // no typed payload, or `other`, which holds every key
  }
  google::protobuf::Struct data;
  if (!google::protobuf::util::JsonStringToMessage(event.data_json(), &data).ok()) return keys;
  Walk(data, {field->message_type()}, "data", &keys);
  return keys;
}

std::string ReplayBody(const v1::Event& event) {
  std::string body = absl::StrCat("{\"request_id\":", JsonQuote(event.id()),
                                  ",\"type\":", JsonQuote(event.type()));
  if (!event.webhook_url().empty()) {
    absl::StrAppend(&body, ",\"webhook_url\":", JsonQuote(event.webhook_url()));
  }
  if (!event.url_id().empty()) absl::StrAppend(&body, ",\"url_id\":", JsonQuote(event.url_id()));
  const auto& extras = event.envelope_extras();
  if (event.has_occurred_at() && !extras.contains("timestamp")) {
    absl::StrAppend(&body, ",\"timestamp\":", JsonQuote(FormatTimestamp(event.occurred_at())));
  }
  // Sorted, and never a key written above (a known key sent as null is
  // kept as an extra): the gateway refuses duplicate keys.
  const std::map<std::string, std::string> sorted(extras.begin(), extras.end());
  for (const auto& [key, json] : sorted) {
    if (key == "request_id" || key == "type" || key == "event" || key == "webhook_url" ||
        key == "url_id" || key == "data") {
      continue;
    }
    absl::StrAppend(&body, ",", JsonQuote(key), ":", json);
  }
  absl::StrAppend(&body, ",\"data\":", event.data_json(), "}");
  return body;
}

bool MatchesText(const v1::Event& event, absl::string_view needle) {
  if (ContainsIgnoreCase(event.id(), needle) || ContainsIgnoreCase(event.type(), needle) ||
      ContainsIgnoreCase(event.data_json(), needle) ||
      ContainsIgnoreCase(event.webhook_url(), needle) ||
      ContainsIgnoreCase(event.url_id(), needle)) {
    return true;
  }
  for (const auto& [key, json] : event.envelope_extras()) {
    if (ContainsIgnoreCase(key, needle) || ContainsIgnoreCase(json, needle)) return true;
  }
  for (const v1::SchemaMismatch& mismatch : event.schema_mismatches()) {
    if (ContainsIgnoreCase(mismatch.path(), needle) || ContainsIgnoreCase(mismatch.reason(), needle)) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<std::string> EventDetailJson(const v1::Event& event) {
  v1::Event typed = event;
  typed.clear_data_json();  // shown beside it, as sent
  std::string typed_json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  if (auto status = google::protobuf::util::MessageToJsonString(typed, &typed_json, options);
      !status.ok()) {
    return absl::InternalError(absl::StrCat("cannot print event ", event.sequence(),
                                            " as JSON: ", status.ToString()));
  }
  std::string out = absl::StrCat(
      "{\"sequence\":", event.sequence(), ",\"id\":", JsonQuote(event.id()),
      ",\"type\":", JsonQuote(event.type()),
      ",\"received_at\":", JsonQuote(FormatTimestamp(event.received_at())));
  if (event.has_occurred_at()) {
    const absl::Duration after =
        FromTimestamp(event.received_at()) - FromTimestamp(event.occurred_at());
    absl::StrAppend(&out, ",\"occurred_at\":", JsonQuote(FormatTimestamp(event.occurred_at())),
                    ",\"received_after_ms\":", absl::ToInt64Milliseconds(after));
  }
  absl::StrAppend(&out, ",\"webhook_url\":", JsonQuote(event.webhook_url()),
                  ",\"url_id\":", JsonQuote(event.url_id()), ",\"verified_by\":");
  AppendStringArray(event.verified_by(), &out);
  out += ",\"schema_mismatches\":[";
  for (int i = 0; i < event.schema_mismatches_size(); ++i) {
    const v1::SchemaMismatch& mismatch = event.schema_mismatches(i);
    absl::StrAppend(&out, i > 0 ? "," : "", "{\"path\":", JsonQuote(mismatch.path()),
                    ",\"reason\":", JsonQuote(mismatch.reason()), "}");
  }
  out += "],\"catch_all_keys\":[";
  const std::vector<std::string> catch_all = CatchAllKeys(event);
  for (size_t i = 0; i < catch_all.size(); ++i) {
    absl::StrAppend(&out, i > 0 ? "," : "", JsonQuote(catch_all[i]));
  }
  out += "],\"envelope_extras\":{";
  const std::map<std::string, std::string> extras(event.envelope_extras().begin(),
                                                  event.envelope_extras().end());
  bool first = true;
  for (const auto& [key, json] : extras) {
    absl::StrAppend(&out, first ? "" : ",", JsonQuote(key), ":", JsonQuote(json));
    first = false;
  }
  const std::string body = ReplayBody(event);
  const std::string delimiter = HeredocDelimiter(body);
  const std::string file = absl::StrCat("event-", event.sequence(), ".json");
  const std::string curl = absl::StrCat(
      "curl -sS -X POST -H 'Content-Type: application/json' --data-binary @- ", kReplayUrl,
      " <<'", delimiter, "'\n", body, "\n", delimiter, "\n");
  const std::string cli = absl::StrCat("cat > ", file, " <<'", delimiter, "'\n", body, "\n",
                                       delimiter, "\nswitchboard-cli send --url ", kReplayUrl,
                                       " ", file, "\n");
  absl::StrAppend(&out, "},\"typed\":", typed_json, ",\"data_json\":", JsonQuote(event.data_json()),
                  ",\"replay\":{\"body\":", JsonQuote(body), ",\"curl\":", JsonQuote(curl),
                  ",\"cli\":", JsonQuote(cli), "}}");
  return out;
}

}  // namespace switchboard::admin
