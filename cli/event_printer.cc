#include "cli/event_printer.h"

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"

namespace switchboard::cli {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Longest text value shown (bytes), and longest `other` JSON.
constexpr size_t kMaxText = 60;
constexpr size_t kMaxOtherJson = 160;
// Width of the type column: the longest known type, "voicemail.received".
constexpr int kTypeWidth = 18;

// The payload fields worth a glance, per Event.payload field, in the order
// shown. Payload types missing here (added to the schema later) show every
// field that is set.
const absl::flat_hash_map<std::string, std::vector<std::string>>& KeyFields() {
  static const auto* fields = new absl::flat_hash_map<std::string, std::vector<std::string>>{
      {"call_completed",
       {"call_id", "direction", "from", "to", "duration", "agent_name", "status", "disposition"}},
      {"call_missed",
       {"call_id", "direction", "from", "to", "ring_duration", "agent_name", "status"}},
      {"call_answered", {"call_id", "direction", "from", "to", "agent_name", "status"}},
      {"sms_received", {"message_id", "from", "to", "body", "media_url"}},
      {"sms_sent", {"message_id", "from", "to", "body", "media_url", "agent_id"}},
      {"sms_delivered", {"message_id", "from", "to", "status", "delivered_at"}},
      {"voicemail_received", {"call_id", "from", "to", "duration", "transcription"}},
      {"contact_created",
       {"contact_id", "first_name", "last_name", "phone", "email", "company", "source"}},
      {"contact_updated",
       {"contact_id", "changed_fields", "first_name", "last_name", "phone", "email", "company"}},
  };
  return *fields;
}

std::string FormatTime(const google::protobuf::Timestamp& timestamp) {
  const absl::Time time =
      absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
std::string Shorten(absl::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(text.substr(0, end), "…");
}

// A string value: bare when it is a single printable word, else quoted with
// C escapes (UTF-8 kept readable), so the line stays one line and parseable.
std::string FormatString(absl::string_view text) {
  const std::string shown = Shorten(text, kMaxText);
  bool bare = !shown.empty();
  for (unsigned char c : shown) {
    if (c <= 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '=') bare = false;
  }
  if (bare) return shown;
  return absl::StrCat("\"", absl::Utf8SafeCEscape(shown), "\"");
}

bool IsSeconds(const FieldDescriptor* field) {
  return field->name() == "duration" || field->name() == "ring_duration";
}

std::string FormatScalar(const Message& message, const FieldDescriptor* field, int index) {
  const Reflection* r = message.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return FormatString(repeated ? r->GetRepeatedString(message, field, index)
                                   : r->GetString(message, field));
    case FieldDescriptor::CPPTYPE_INT64: {
      const int64_t v =
          repeated ? r->GetRepeatedInt64(message, field, index) : r->GetInt64(message, field);
      return IsSeconds(field) ? absl::StrCat(v, "s") : absl::StrCat(v);
    }
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(repeated ? r->GetRepeatedInt32(message, field, index)
                                   : r->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(repeated ? r->GetRepeatedUInt64(message, field, index)
                                   : r->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(repeated ? r->GetRepeatedUInt32(message, field, index)
                                   : r->GetUInt32(message, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(repeated ? r->GetRepeatedDouble(message, field, index)
                                   : r->GetDouble(message, field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(repeated ? r->GetRepeatedFloat(message, field, index)
                                   : r->GetFloat(message, field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r->GetRepeatedBool(message, field, index) : r->GetBool(message, field))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return repeated ? r->GetRepeatedEnum(message, field, index)->name()
                      : r->GetEnum(message, field)->name();
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& child = repeated ? r->GetRepeatedMessage(message, field, index)
                                      : r->GetMessage(message, field);
      if (const auto* ts = dynamic_cast<const google::protobuf::Timestamp*>(&child)) {
        return FormatTime(*ts);
      }
      return FormatString(child.ShortDebugString());
    }
  }
  return "?";
}

// "name=value" for a field that is set; "" otherwise.
std::string FormatField(const Message& message, const FieldDescriptor* field) {
  const Reflection* r = message.GetReflection();
  if (field->is_repeated()) {
    const int size = r->FieldSize(message, field);
    if (size == 0) return "";
    std::vector<std::string> values;
    for (int i = 0; i < size; ++i) values.push_back(FormatScalar(message, field, i));
    return absl::StrCat(field->name(), "=", absl::StrJoin(values, ","));
  }
  if (field->has_presence() && !r->HasField(message, field)) return "";
  return absl::StrCat(field->name(), "=", FormatScalar(message, field, 0));
}

std::string FormatPayload(const v1::Event& event) {
  const Reflection* r = event.GetReflection();
  const google::protobuf::OneofDescriptor* oneof =
      v1::Event::descriptor()->FindOneofByName("payload");
  const FieldDescriptor* payload_field =
      oneof == nullptr ? nullptr : r->GetOneofFieldDescriptor(event, oneof);
  if (payload_field == nullptr) return "(no payload)";
  const Message& payload = r->GetMessage(event, payload_field);
  if (event.has_other()) {
    std::string json;
    google::protobuf::util::JsonPrintOptions options;
    if (!google::protobuf::util::MessageToJsonString(event.other(), &json, options).ok()) {
      return "data=?";
    }
    return absl::StrCat("data=", Shorten(json, kMaxOtherJson));
  }

  std::vector<const FieldDescriptor*> fields;
  auto known = KeyFields().find(payload_field->name());
  if (known != KeyFields().end()) {
    for (const std::string& name : known->second) {
      if (const FieldDescriptor* f = payload.GetDescriptor()->FindFieldByName(name)) {
        fields.push_back(f);
      }
    }
  } else {
    for (int i = 0; i < payload.GetDescriptor()->field_count(); ++i) {
      fields.push_back(payload.GetDescriptor()->field(i));
    }
  }
  std::vector<std::string> parts;
  for (const FieldDescriptor* field : fields) {
    if (std::string part = FormatField(payload, field); !part.empty()) {
      parts.push_back(std::move(part));
    }
  }
  return absl::StrJoin(parts, " ");
}

}  // namespace

std::string FormatEventSummary(const v1::Event& event) {
  return absl::StrFormat("#%d %s %-*s %s %s", event.sequence(), FormatTime(event.received_at()),
                         kTypeWidth, FormatString(event.type()), FormatString(event.id()),
                         FormatPayload(event));
}

absl::StatusOr<std::string> FormatEventJson(const v1::Event& event) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;  // one line
  const auto status = google::protobuf::util::MessageToJsonString(event, &json, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print event ", event.sequence(), " as JSON: ", status.ToString()));
  }
  return json;
}

}  // namespace switchboard::cli
