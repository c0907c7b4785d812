#include "gateway/webhook_translator.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/event_types.h"
#include "common/status_macros.h"
#include "common/status_util.h"
#include "common/time_util.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/timestamp.pb.h"
#include "openssl/sha.h"
#include "simdjson.h"

namespace switchboard::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr size_t kMaxIdBytes = 256;

// simdjson speaks std::string_view; Debian's Abseil has its own string_view.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }
// google.protobuf.Timestamp's valid range: 0001-01-01 to 9999-12-31.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// A field path such as "data.changed_fields[1]", built only when reporting.
std::string Join(absl::string_view parent, absl::string_view key) {
  return parent.empty() ? std::string(key) : absl::StrCat(parent, ".", key);
}

absl::Status FieldError(absl::string_view path, absl::string_view message) {
  return WithField(absl::InvalidArgumentError(absl::StrCat(path, ": ", message)), path);
}

const char* JsonTypeName(const element& value) {
  switch (value.type()) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64: return "an integer";
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "a value";
}

absl::Status WrongType(absl::string_view path, absl::string_view expected, const element& got) {
  return FieldError(path, absl::StrCat("expected ", expected, ", got ", JsonTypeName(got)));
}

// Rejects objects that repeat a key: which value would win is ambiguous, and
// a signature or de-duplication key computed elsewhere could disagree with us.
absl::Status CheckNoDuplicateKeys(const object& obj, absl::string_view path) {
  constexpr size_t kLinearScanLimit = 16;  // webhook objects are small
  if (obj.size() <= kLinearScanLimit) {
    for (auto a = obj.begin(); a != obj.end(); ++a) {
      auto b = a;
      for (++b; b != obj.end(); ++b) {
        if (a.key() == b.key()) return FieldError(Join(path, Sv(a.key())), "duplicate key");
      }
    }
    return absl::OkStatus();
  }
  absl::flat_hash_set<absl::string_view> seen;
  seen.reserve(obj.size());
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!seen.insert(Sv(it.key())).second) return FieldError(Join(path, Sv(it.key())), "duplicate key");
  }
  return absl::OkStatus();
}

absl::StatusOr<absl::Time> ParseTime(absl::string_view text, absl::string_view path) {
  absl::Time time;
  std::string unused;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &unused) &&
      !absl::ParseTime("%Y-%m-%d %H:%M:%S", text, absl::UTCTimeZone(), &time, &unused)) {
    return FieldError(path, absl::StrFormat(
        "expected a time as RFC 3339 (\"2026-03-12T14:30:00Z\") or "
        "\"YYYY-MM-DD HH:MM:SS\" (UTC), got \"%s\"", absl::CHexEscape(text.substr(0, 64))));
  }
  const int64_t seconds = absl::ToUnixSeconds(time);
  if (time == absl::InfiniteFuture() || time == absl::InfinitePast() ||
      seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds) {
    return FieldError(path, "time out of range (years 0001 to 9999)");
  }
  return time;
}

// Reads an integer from a JSON integer, an integral number, or a decimal
// string, range-checked into [min, max].
template <typename T>
absl::StatusOr<T> ToInteger(const element& value, absl::string_view path) {
  constexpr auto kMin = std::numeric_limits<T>::min();
  constexpr auto kMax = std::numeric_limits<T>::max();
  auto out_of_range = [&]() {
    return FieldError(path, absl::StrCat("integer out of range [", kMin, ", ", kMax, "]"));
  };
  switch (value.type()) {
    case element_type::INT64: {
      const int64_t v = int64_t(value);
      if constexpr (std::is_signed_v<T>) {
        if (v < int64_t{kMin} || v > int64_t{kMax}) return out_of_range();
      } else {
        if (v < 0 || uint64_t(v) > uint64_t{kMax}) return out_of_range();
      }
      return static_cast<T>(v);
    }
    case element_type::UINT64: {  // only values above INT64_MAX land here
      const uint64_t v = uint64_t(value);
      if (v > uint64_t{kMax}) return out_of_range();
      return static_cast<T>(v);
    }
    case element_type::DOUBLE: {
      const double v = double(value);
      if (std::trunc(v) != v) return FieldError(path, "expected an integer, got a fraction");
      // Compare against the bounds as doubles: 2^63 is exact, kMax may round up.
      if (v < static_cast<double>(kMin) || v >= static_cast<double>(kMax)) return out_of_range();
      // Beyond 2^53 a number written with a fraction or exponent may already
      // have been rounded; refuse rather than store a different id.
      if (std::fabs(v) > 9007199254740992.0) {
        return FieldError(path, "integer too large to be exact when written with a fraction or "
                                "exponent; send it as a plain integer");
      }
      return static_cast<T>(v);
    }
    case element_type::STRING: {
      const std::string_view text = std::string_view(value);
      if constexpr (std::is_signed_v<T>) {
        int64_t v;
        if (!absl::SimpleAtoi(Sv(text), &v)) break;
        if (v < int64_t{kMin} || v > int64_t{kMax}) return out_of_range();
        return static_cast<T>(v);
      } else {
        uint64_t v;
        if (!absl::SimpleAtoi(Sv(text), &v)) break;
        if (v > uint64_t{kMax}) return out_of_range();
        return static_cast<T>(v);
      }
    }
    default:
      break;
  }
  return WrongType(path, "an integer", value);
}

// A string field takes a JSON string, or an integer rendered in decimal
// (some JustCall ids are numbers in one API version and strings in another).
absl::StatusOr<std::string> ToString(const element& value, absl::string_view path) {
  switch (value.type()) {
    case element_type::STRING: return std::string(std::string_view(value));
    case element_type::INT64: return absl::StrCat(int64_t(value));
    case element_type::UINT64: return absl::StrCat(uint64_t(value));
    default: return WrongType(path, "a string", value);
  }
}

absl::Status ToStructValue(const element& value, google::protobuf::Value* out,
                           absl::string_view path);

absl::Status ToStruct(const object& obj, google::protobuf::Struct* out, absl::string_view path) {
  RETURN_IF_ERROR(CheckNoDuplicateKeys(obj, path));
  auto* fields = out->mutable_fields();
  for (auto [key, value] : obj) {
    RETURN_IF_ERROR(ToStructValue(value, &(*fields)[std::string(key)], Join(path, Sv(key))));
  }
  return absl::OkStatus();
}

// Depth is bounded by the parser's max_depth, so recursion is safe here.
// `path` names `value`, for duplicate-key errors.
absl::Status ToStructValue(const element& value, google::protobuf::Value* out,
                           absl::string_view path) {
  switch (value.type()) {
    case element_type::ARRAY:
      out->mutable_list_value();  // an empty array stays a list
      for (element item : simdjson::dom::array(value)) {
        RETURN_IF_ERROR(ToStructValue(item, out->mutable_list_value()->add_values(), path));
      }
      break;
    case element_type::OBJECT:
      return ToStruct(object(value), out->mutable_struct_value(), path);
    case element_type::INT64: out->set_number_value(static_cast<double>(int64_t(value))); break;
    case element_type::UINT64: out->set_number_value(static_cast<double>(uint64_t(value))); break;
    case element_type::DOUBLE: out->set_number_value(double(value)); break;
    case element_type::STRING: out->set_string_value(std::string(std::string_view(value))); break;
    case element_type::BOOL: out->set_bool_value(bool(value)); break;
    case element_type::NULL_VALUE: out->set_null_value(google::protobuf::NULL_VALUE); break;
  }
  return absl::OkStatus();
}

absl::Status FillMessage(const object& obj, Message* message, absl::string_view path);

// Sets one singular value, or adds one to a repeated field, from JSON.
absl::Status SetValue(const element& value, const FieldDescriptor* field, Message* message,
                      absl::string_view path) {
  const Reflection* r = message->GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      ASSIGN_OR_RETURN(std::string v, ToString(value, path));
      repeated ? r->AddString(message, field, std::move(v)) : r->SetString(message, field, std::move(v));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      ASSIGN_OR_RETURN(int64_t v, ToInteger<int64_t>(value, path));
      repeated ? r->AddInt64(message, field, v) : r->SetInt64(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      ASSIGN_OR_RETURN(int32_t v, ToInteger<int32_t>(value, path));
      repeated ? r->AddInt32(message, field, v) : r->SetInt32(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      ASSIGN_OR_RETURN(uint64_t v, ToInteger<uint64_t>(value, path));
      repeated ? r->AddUInt64(message, field, v) : r->SetUInt64(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      ASSIGN_OR_RETURN(uint32_t v, ToInteger<uint32_t>(value, path));
      repeated ? r->AddUInt32(message, field, v) : r->SetUInt32(message, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (value.type() != element_type::BOOL) return WrongType(path, "a boolean", value);
      repeated ? r->AddBool(message, field, bool(value)) : r->SetBool(message, field, bool(value));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v;
      if (value.get_double().get(v) != simdjson::SUCCESS) return WrongType(path, "a number", value);
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        repeated ? r->AddDouble(message, field, v) : r->SetDouble(message, field, v);
      } else {
        repeated ? r->AddFloat(message, field, float(v)) : r->SetFloat(message, field, float(v));
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      std::string_view name;
      if (value.get_string().get(name) != simdjson::SUCCESS) return WrongType(path, "a string", value);
      const auto* enum_value = field->enum_type()->FindValueByName(std::string(name));
      if (enum_value == nullptr) return FieldError(path, absl::StrCat("unknown value \"", absl::CHexEscape(Sv(name)), "\""));
      repeated ? r->AddEnum(message, field, enum_value) : r->SetEnum(message, field, enum_value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      Message* child = repeated ? r->AddMessage(message, field) : r->MutableMessage(message, field);
      const std::string& type = field->message_type()->full_name();
      if (type == google::protobuf::Timestamp::descriptor()->full_name()) {
        std::string_view text;
        if (value.get_string().get(text) != simdjson::SUCCESS) {
          return WrongType(path, "a time string", value);
        }
        ASSIGN_OR_RETURN(absl::Time time, ParseTime(Sv(text), path));
        ToTimestamp(time, static_cast<google::protobuf::Timestamp*>(child));
        return absl::OkStatus();
      }
      if (type == google::protobuf::Struct::descriptor()->full_name()) {
        if (value.type() != element_type::OBJECT) return WrongType(path, "an object", value);
        return ToStruct(object(value), static_cast<google::protobuf::Struct*>(child), path);
      }
      if (value.type() != element_type::OBJECT) return WrongType(path, "an object", value);
      return FillMessage(object(value), child, path);
    }
  }
  return FieldError(path, "unsupported field type");
}

// Fills `message` from the JSON object, one field per key of the same name.
absl::Status FillMessage(const object& obj, Message* message, absl::string_view path) {
  RETURN_IF_ERROR(CheckNoDuplicateKeys(obj, path));
  const google::protobuf::Descriptor* descriptor = message->GetDescriptor();
  for (auto [key, value] : obj) {
    const FieldDescriptor* field = descriptor->FindFieldByName(std::string(key));
    if (field == nullptr || value.is_null()) continue;  // unknown key, or absent
    if (!field->is_repeated()) {
      RETURN_IF_ERROR(SetValue(value, field, message, Join(path, Sv(key))));
      continue;
    }
    if (value.type() != element_type::ARRAY) return WrongType(Join(path, Sv(key)), "an array", value);
    size_t index = 0;
    for (element item : simdjson::dom::array(value)) {
      if (!item.is_null()) {
        RETURN_IF_ERROR(SetValue(item, field, message,
                                 absl::StrCat(Join(path, Sv(key)), "[", index, "]")));
      }
      ++index;
    }
  }
  return absl::OkStatus();
}

// The id of a webhook without a request_id: a name-based UUID (RFC 9562
// version 8) from SHA-256 over the event's deterministic serialization
// without id and received_at. A retried webhook gets the same id, which is
// what de-duplication (and JetStream's Nats-Msg-Id) keys on.
std::string ContentId(const v1::Event& event) {
  v1::Event canonical = event;
  canonical.clear_id();
  canonical.clear_received_at();
  std::string bytes = "switchboard.v1.Event\n";
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    canonical.ByteSizeLong();  // caches the sizes SerializeWithCachedSizes needs
    canonical.SerializeWithCachedSizes(&coded);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) hi = (hi << 8) | digest[i];
  for (int i = 8; i < 16; ++i) lo = (lo << 8) | digest[i];
  const uint64_t v_hi = (hi & 0xffffffffffff0fffULL) | 0x0000000000008000ULL;
  const uint64_t v_lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", v_hi >> 32, (v_hi >> 16) & 0xffff,
                         v_hi & 0xffff, v_lo >> 48, v_lo & 0xffffffffffffULL);
}

absl::StatusOr<std::string> ParseRequestId(const element& value) {
  ASSIGN_OR_RETURN(std::string id, ToString(value, "request_id"));
  if (id.empty() || id.size() > kMaxIdBytes) {
    return FieldError("request_id", absl::StrCat("must be 1 to ", kMaxIdBytes, " bytes"));
  }
  for (unsigned char c : id) {
    if (c < 0x20 || c == 0x7f) return FieldError("request_id", "must not contain control characters");
  }
  return id;
}

simdjson::dom::parser& ThreadParser(int max_depth) {
  thread_local simdjson::dom::parser parser;
  thread_local int depth = 0;
  if (depth != max_depth) {
    // Capacity grows on demand; only the depth limit is fixed here.
    // simdjson counts the document itself as one level.
    if (parser.allocate(64 * 1024, static_cast<size_t>(max_depth) + 1) == simdjson::SUCCESS) {
      depth = max_depth;
    }
  }
  return parser;
}

}  // namespace

WebhookTranslator::WebhookTranslator(Options options)
    : options_{std::clamp(options.max_depth, 2, kMaxDepthLimit)} {}

absl::StatusOr<v1::Event> WebhookTranslator::Translate(absl::string_view body,
                                                       absl::Time received_at) const {
  simdjson::dom::parser& parser = ThreadParser(options_.max_depth);
  element root;
  if (auto error = parser.parse(body.data(), body.size()).get(root); error != simdjson::SUCCESS) {
    if (error == simdjson::DEPTH_ERROR) {
      return FieldError("body", absl::StrCat("JSON nested deeper than ", options_.max_depth, " levels"));
    }
    if (error == simdjson::UTF8_ERROR) return FieldError("body", "not valid UTF-8");
    if (error == simdjson::NUMBER_ERROR) {
      return FieldError("body", "a number is malformed or does not fit in 64 bits "
                                "(send large ids as strings)");
    }
    if (error == simdjson::EMPTY) return FieldError("body", "empty body; expected a JSON object");
    return FieldError("body", absl::StrCat("malformed JSON: ", simdjson::error_message(error)));
  }
  if (root.type() != element_type::OBJECT) return WrongType("body", "a JSON object", root);
  const object envelope(root);
  RETURN_IF_ERROR(CheckNoDuplicateKeys(envelope, ""));

  element event_field, type_field, data, timestamp, request_id;
  const bool has_event = envelope["event"].get(event_field) == simdjson::SUCCESS && !event_field.is_null();
  const bool has_type = envelope["type"].get(type_field) == simdjson::SUCCESS && !type_field.is_null();
  if (!has_event && !has_type) {
    return FieldError("event", "missing event type: expected \"event\" (or \"type\" in the v2.1 envelope)");
  }
  std::string_view type;
  const char* type_key = has_event ? "event" : "type";
  if ((has_event ? event_field : type_field).get_string().get(type) != simdjson::SUCCESS) {
    return WrongType(type_key, "a string", has_event ? event_field : type_field);
  }
  if (has_event && has_type) {
    std::string_view other;
    if (type_field.get_string().get(other) != simdjson::SUCCESS || other != type) {
      return FieldError("type", "\"event\" and \"type\" disagree; send one of them");
    }
  }
  if (!IsValidEventType(Sv(type))) {
    return FieldError(type_key, absl::StrFormat(
        "invalid event type \"%s\": expected dot-separated segments of letters, digits, '_' "
        "or '-' (at most 128 characters), e.g. \"call.completed\"",
        absl::CHexEscape(Sv(type.substr(0, 128)))));
  }
  if (envelope["data"].get(data) != simdjson::SUCCESS) return FieldError("data", "missing \"data\" object");
  if (data.type() != element_type::OBJECT) return WrongType("data", "an object", data);

  v1::Event event;
  event.set_type(std::string(type));
  if (envelope["request_id"].get(request_id) == simdjson::SUCCESS && !request_id.is_null()) {
    ASSIGN_OR_RETURN(*event.mutable_id(), ParseRequestId(request_id));
  }
  if (envelope["timestamp"].get(timestamp) == simdjson::SUCCESS && !timestamp.is_null()) {
    std::string_view text;
    if (timestamp.get_string().get(text) != simdjson::SUCCESS) {
      return WrongType("timestamp", "a time string", timestamp);
    }
    ASSIGN_OR_RETURN(absl::Time occurred_at, ParseTime(Sv(text), "timestamp"));
    ToTimestamp(occurred_at, event.mutable_occurred_at());
  }

  if (const FieldDescriptor* field = EventTypes::PayloadField(Sv(type))) {
    Message* payload = event.GetReflection()->MutableMessage(&event, field);
    RETURN_IF_ERROR(FillMessage(object(data), payload, "data"));
  } else {
    RETURN_IF_ERROR(ToStruct(object(data), event.mutable_other(), "data"));
  }
  if (event.id().empty()) event.set_id(ContentId(event));
  ToTimestamp(received_at, event.mutable_received_at());
  return event;
}

}  // namespace switchboard::gateway
