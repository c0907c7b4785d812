#include "cli/event_printer.h"

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "switchboard/v1/options.pb.h"

namespace switchboard::cli {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Longest text value shown (bytes), and longest `other` JSON.
constexpr size_t kMaxText = 60;
constexpr size_t kMaxOtherJson = 160;
// Width of the type column: the longest of the first nine types,
// "voicemail.received"; longer types push the rest of the line.
constexpr int kTypeWidth = 18;

// The fields of JustCall's official objects a person looks for first, as
// paths from the payload message ("call.call_info.direction"), each with the
// label it is shown under after a ':' (default: the last path segment).
const std::vector<std::string> kOfficialCall = {
    "call.contact_number:contact", "call.contact_name",  "call.call_info.direction:direction",
    "call.call_info.type:outcome", "call.call_duration.total_duration:duration",
    "call.agent_name",             "call.justcall_number", "call.call_info.disposition:disposition"};
const std::vector<std::string> kOfficialSms = {
    "sms.contact_number:contact", "sms.contact_name", "sms.direction", "sms.agent_name",
    "sms.sms_info.body:body",     "sms.delivery_status:status", "sms.justcall_number"};
const std::vector<std::string> kOfficialWhatsApp = {
    "message.contact_number:contact", "message.contact_name",     "message.direction",
    "message.agent_name",             "message.message_info.body:body",
    "message.delivery_status:status"};
const std::vector<std::string> kSalesDialerCall = {
    "call.contact_number:contact",     "call.contact_name",   "call.campaign.name:campaign",
    "call.call_info.direction:direction", "call.call_info.type:outcome",
    "call.call_duration.total_duration:duration", "call.agent_name",
    "call.call_info.disposition:disposition"};
const std::vector<std::string> kCallAi = {"call.justcall_ai.customer_sentiment:sentiment",
                                          "call.justcall_ai.call_score:score",
                                          "call.justcall_ai.call_summary:summary"};

std::vector<std::string> Join(std::initializer_list<std::vector<std::string>> lists) {
  std::vector<std::string> out;
  for (const auto& list : lists) out.insert(out.end(), list.begin(), list.end());
  return out;
}

// The fields worth a glance, per Event.payload field, in the order shown:
// for the nine flat types, `flat`; for JustCall's official types, `official`.
// The five types with both shapes have both, and show the list of the shape
// the webhook has (IsOfficialShape). Payload types missing here (added to the
// schema later) show every field that is set.
struct KeyFieldLists {
  std::vector<std::string> flat;
  std::vector<std::string> official;
};

const absl::flat_hash_map<std::string, KeyFieldLists>& KeyFields() {
  static const auto* fields = new absl::flat_hash_map<std::string, KeyFieldLists>{
      {"call_completed",
       {{"call_id", "direction", "from", "to", "duration", "agent_name", "status", "disposition"},
        kOfficialCall}},
      {"call_missed",
       {{"call_id", "direction", "from", "to", "ring_duration", "agent_name", "status"},
        Join({kOfficialCall, {"call.call_info.missed_call_reason:reason"}})}},
      {"call_answered", {{"call_id", "direction", "from", "to", "agent_name", "status"}, kOfficialCall}},
      {"sms_received", {{"message_id", "from", "to", "body", "media_url"}, kOfficialSms}},
      {"sms_sent", {{"message_id", "from", "to", "body", "media_url", "agent_id"}, kOfficialSms}},
      {"sms_delivered", {{"message_id", "from", "to", "status", "delivered_at"}, {}}},
      {"voicemail_received", {{"call_id", "from", "to", "duration", "transcription"}, {}}},
      {"contact_created",
       {{"contact_id", "first_name", "last_name", "phone", "email", "company", "source"}, {}}},
      {"contact_updated",
       {{"contact_id", "changed_fields", "first_name", "last_name", "phone", "email", "company"}, {}}},
      {"call_incoming", {{}, kOfficialCall}},
      {"call_initiated", {{}, kOfficialCall}},
      {"call_updated",
       {{}, Join({kOfficialCall, {"call.call_info.notes:notes", "call.call_info.rating:rating"}})}},
      {"call_voicemail",
       {{}, Join({kOfficialCall, {"call.call_info.voicemail_transcription:transcription"}})}},
      {"call_enters_queue", {{}, kOfficialCall}},
      {"call_exits_queue",
       {{}, Join({kOfficialCall, {"call.call_duration.queue_wait_time:queue_wait"}})}},
      {"call_ai_voice_agent", {{}, Join({{"call.call_sid", "call.id:call_id"}, kOfficialCall})}},
      {"jc_call_ai_generated", {{}, Join({kOfficialCall, kCallAi})}},
      {"sms_sent_received", {{}, kOfficialSms}},
      {"sms_status_updated", {{}, kOfficialSms}},
      {"whatsapp_message_sent", {{}, kOfficialWhatsApp}},
      {"whatsapp_message_received", {{}, kOfficialWhatsApp}},
      {"whatsapp_message_status_updated", {{}, kOfficialWhatsApp}},
      {"appointment_scheduled",
       {{},
        {"appointment.customer_number:contact", "appointment.customer_first_name:first_name",
         "appointment.customer_last_name:last_name", "appointment.calendar_name:calendar",
         "appointment.type", "appointment.starts_at", "appointment.booked_via"}}},
      {"jc_contact_status_updated",
       {{},
        {"contact.id:contact_id", "contact.name", "contact.contact_number:number",
         "contact.status.blacklist:blacklist", "contact.status.dnd:dnd", "contact.status.dnm:dnm"}}},
      {"sd_call_completed", {{}, kSalesDialerCall}},
      {"sd_call_updated", {{}, Join({kSalesDialerCall, {"call.call_info.notes:notes"}})}},
      {"sd_call_ai_generated", {{}, Join({kSalesDialerCall, kCallAi})}},
  };
  return *fields;
}

// True when a payload of a type with both shapes came in JustCall's official
// one: its inline object (json_inline) has a field that the flat message
// lacks (a flat webhook fills only the keys both have, such as agent_id).
bool IsOfficialShape(const Message& payload) {
  const Reflection* r = payload.GetReflection();
  std::vector<const FieldDescriptor*> set;
  r->ListFields(payload, &set);
  for (const FieldDescriptor* field : set) {
    if (!field->options().GetExtension(v1::json_inline)) continue;
    std::vector<const FieldDescriptor*> inner;
    const Message& object = r->GetMessage(payload, field);
    object.GetReflection()->ListFields(object, &inner);
    for (const FieldDescriptor* f : inner) {
      if (payload.GetDescriptor()->FindFieldByName(f->name()) == nullptr) return true;
    }
  }
  return false;
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

bool IsSeconds(absl::string_view label) {
  return label == "duration" || label == "ring_duration" || label == "queue_wait";
}

std::string FormatScalar(const Message& message, const FieldDescriptor* field, int index,
                         absl::string_view label) {
  const Reflection* r = message.GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return FormatString(repeated ? r->GetRepeatedString(message, field, index)
                                   : r->GetString(message, field));
    case FieldDescriptor::CPPTYPE_INT64: {
      const int64_t v =
          repeated ? r->GetRepeatedInt64(message, field, index) : r->GetInt64(message, field);
      return IsSeconds(label) ? absl::StrCat(v, "s") : absl::StrCat(v);
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

// "label=value" for a field that is set; "" otherwise.
std::string FormatField(const Message& message, const FieldDescriptor* field,
                        absl::string_view label) {
  const Reflection* r = message.GetReflection();
  if (field->is_repeated()) {
    const int size = r->FieldSize(message, field);
    if (size == 0) return "";
    std::vector<std::string> values;
    for (int i = 0; i < size; ++i) values.push_back(FormatScalar(message, field, i, label));
    return absl::StrCat(label, "=", absl::StrJoin(values, ","));
  }
  if (field->has_presence() && !r->HasField(message, field)) return "";
  return absl::StrCat(label, "=", FormatScalar(message, field, 0, label));
}

// "label=value" for the field at `spec` ("a.b.c" or "a.b.c:label") under
// `message`; "" when a message on the way or the field is not set.
std::string FormatPath(const Message& message, absl::string_view spec) {
  const std::pair<absl::string_view, absl::string_view> path_label =
      absl::StrSplit(spec, absl::MaxSplits(':', 1));
  const std::vector<absl::string_view> names = absl::StrSplit(path_label.first, '.');
  const Message* at = &message;
  for (size_t i = 0; i < names.size(); ++i) {
    const FieldDescriptor* field = at->GetDescriptor()->FindFieldByName(std::string(names[i]));
    if (field == nullptr) return "";
    if (i + 1 == names.size()) {
      // An empty text says nothing at a glance (JustCall sends "" for unset values).
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING && !field->is_repeated() &&
          at->GetReflection()->GetString(*at, field).empty()) {
        return "";
      }
      return FormatField(*at, field, path_label.second.empty() ? names.back() : path_label.second);
    }
    if (field->message_type() == nullptr || field->is_repeated() ||
        !at->GetReflection()->HasField(*at, field)) {
      return "";
    }
    at = &at->GetReflection()->GetMessage(*at, field);
  }
  return "";
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

  std::vector<std::string> parts;
  auto known = KeyFields().find(payload_field->name());
  if (known == KeyFields().end()) {
    for (int i = 0; i < payload.GetDescriptor()->field_count(); ++i) {
      const FieldDescriptor* field = payload.GetDescriptor()->field(i);
      if (std::string part = FormatField(payload, field, field->name()); !part.empty()) {
        parts.push_back(std::move(part));
      }
    }
    return absl::StrJoin(parts, " ");
  }
  const KeyFieldLists& lists = known->second;
  const bool official = lists.flat.empty() || (!lists.official.empty() && IsOfficialShape(payload));
  for (const std::string& spec : official ? lists.official : lists.flat) {
    if (std::string part = FormatPath(payload, spec); !part.empty()) parts.push_back(std::move(part));
  }
  return absl::StrJoin(parts, " ");
}

}  // namespace

std::string FormatEventSummary(const v1::Event& event) {
  return absl::StrFormat("#%d %s %-*s %s %s", event.sequence(), FormatTime(event.received_at()),
                         kTypeWidth, FormatString(event.type()), FormatString(event.id()),
                         FormatPayload(event));
}

std::string FormatPayloadSummary(const v1::Event& event) { return FormatPayload(event); }

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
