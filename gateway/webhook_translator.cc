#include "gateway/webhook_translator.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
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

using google::protobuf::Descriptor;
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

// Names a JSON value in errors, e.g. "data.changed_fields[1]": a key, or an
// array index, under a parent path. Every value visited gets one, so it only
// points (at its parent on the caller's stack, and at the key in the parsed
// document) and the text is rendered only when an error reports it.
class FieldPath {
 public:
  // A top-level name such as "data"; "" for the envelope itself.
  explicit FieldPath(absl::string_view root) : key_(root) {}
  // `key` in the object at `parent`.
  FieldPath(const FieldPath& parent, absl::string_view key) : parent_(&parent), key_(key) {}
  // Element `index` of the array at `parent`.
  FieldPath(const FieldPath& parent, size_t index)
      : parent_(&parent), index_(index), is_index_(true) {}

  // "parent.key" ("key" when the parent renders empty), or "parent[index]".
  std::string ToString() const {
    std::string text;
    AppendTo(&text);
    return text;
  }

 private:
  void AppendTo(std::string* text) const {
    if (parent_ != nullptr) parent_->AppendTo(text);
    if (is_index_) {
      absl::StrAppend(text, "[", index_, "]");
    } else if (text->empty()) {
      text->append(key_.data(), key_.size());
    } else {
      absl::StrAppend(text, ".", key_);
    }
  }

  const FieldPath* parent_ = nullptr;
  absl::string_view key_;
  size_t index_ = 0;
  bool is_index_ = false;
};

absl::Status FieldError(absl::string_view path, absl::string_view message) {
  return WithField(absl::InvalidArgumentError(absl::StrCat(path, ": ", message)), path);
}

absl::Status FieldError(const FieldPath& path, absl::string_view message) {
  return FieldError(path.ToString(), message);
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

absl::Status WrongType(const FieldPath& path, absl::string_view expected, const element& got) {
  return FieldError(path, absl::StrCat("expected ", expected, ", got ", JsonTypeName(got)));
}

// Rejects objects that repeat a key: which value would win is ambiguous, and
// a signature or de-duplication key computed elsewhere could disagree with us.
absl::Status CheckNoDuplicateKeys(const object& obj, const FieldPath& path) {
  constexpr size_t kLinearScanLimit = 16;  // webhook objects are small
  if (obj.size() <= kLinearScanLimit) {
    for (auto a = obj.begin(); a != obj.end(); ++a) {
      auto b = a;
      for (++b; b != obj.end(); ++b) {
        if (a.key() == b.key()) return FieldError(FieldPath(path, Sv(a.key())), "duplicate key");
      }
    }
    return absl::OkStatus();
  }
  absl::flat_hash_set<absl::string_view> seen;
  seen.reserve(obj.size());
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (!seen.insert(Sv(it.key())).second) {
      return FieldError(FieldPath(path, Sv(it.key())), "duplicate key");
    }
  }
  return absl::OkStatus();
}

// The `count` characters of `text` from `pos` as a decimal number, or false
// unless they are all ASCII digits.
bool ParseDigits(absl::string_view text, size_t pos, size_t count, int* value) {
  if (pos + count > text.size()) return false;
  *value = 0;
  for (const char c : text.substr(pos, count)) {
    if (!absl::ascii_isdigit(c)) return false;
    *value = *value * 10 + (c - '0');
  }
  return true;
}

int DaysInMonth(int year, int month) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// absl::ParseTime goes through cctz's general strptime, which shows in
// profiles. This reads the shapes senders actually use, strictly:
//   YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|z|+HH:MM|-HH:MM)   and   YYYY-MM-DD HH:MM:SS (UTC)
// with every field in range. Anything else (a leap second, more than nine
// fraction digits, 't', other widths, surrounding spaces, ...) returns false,
// and the caller asks absl::ParseTime, which accepts all of the above and more
// and gives the same instant: tests/gateway/webhook_translator_test.cc
// compares the two.
bool ParseCommonTime(absl::string_view text, absl::Time* time) {
  if (text.size() < 19) return false;
  int year, month, day, hour, minute, second;
  if (!ParseDigits(text, 0, 4, &year) || text[4] != '-' || !ParseDigits(text, 5, 2, &month) ||
      text[7] != '-' || !ParseDigits(text, 8, 2, &day) || !ParseDigits(text, 11, 2, &hour) ||
      text[13] != ':' || !ParseDigits(text, 14, 2, &minute) || text[16] != ':' ||
      !ParseDigits(text, 17, 2, &second)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return false;
  }
  absl::string_view rest = text.substr(19);
  int64_t nanos = 0;
  int offset_seconds = 0;
  if (text[10] == ' ') {
    if (!rest.empty()) return false;
  } else if (text[10] == 'T') {
    if (!rest.empty() && rest[0] == '.') {
      rest.remove_prefix(1);
      size_t digits = 0;
      while (digits < rest.size() && absl::ascii_isdigit(rest[digits])) ++digits;
      if (digits == 0 || digits > 9) return false;
      for (size_t i = 0; i < 9; ++i) nanos = nanos * 10 + (i < digits ? rest[i] - '0' : 0);
      rest.remove_prefix(digits);
    }
    if (rest == "Z" || rest == "z") {
      offset_seconds = 0;
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
      int offset_hours, offset_minutes;
      if (!ParseDigits(rest, 1, 2, &offset_hours) || !ParseDigits(rest, 4, 2, &offset_minutes) ||
          offset_hours > 23 || offset_minutes > 59) {
        return false;
      }
      offset_seconds = (offset_hours * 60 + offset_minutes) * 60;
      if (rest[0] == '-') offset_seconds = -offset_seconds;
    } else {
      return false;
    }
  } else {
    return false;
  }
  *time = absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second),
                          absl::UTCTimeZone()) -
          absl::Seconds(offset_seconds) + absl::Nanoseconds(nanos);
  return true;
}

absl::StatusOr<absl::Time> ParseTime(absl::string_view text, const FieldPath& path) {
  absl::Time time;
  std::string unused;
  if (!ParseCommonTime(text, &time) && !absl::ParseTime(absl::RFC3339_full, text, &time, &unused) &&
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
absl::StatusOr<T> ToInteger(const element& value, const FieldPath& path) {
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
absl::StatusOr<std::string> ToString(const element& value, const FieldPath& path) {
  switch (value.type()) {
    case element_type::STRING: return std::string(std::string_view(value));
    case element_type::INT64: return absl::StrCat(int64_t(value));
    case element_type::UINT64: return absl::StrCat(uint64_t(value));
    default: return WrongType(path, "a string", value);
  }
}

absl::Status ToStructValue(const element& value, google::protobuf::Value* out,
                           const FieldPath& path);

absl::Status ToStruct(const object& obj, google::protobuf::Struct* out, const FieldPath& path) {
  RETURN_IF_ERROR(CheckNoDuplicateKeys(obj, path));
  auto* fields = out->mutable_fields();
  for (auto [key, value] : obj) {
    RETURN_IF_ERROR(ToStructValue(value, &(*fields)[std::string(key)], FieldPath(path, Sv(key))));
  }
  return absl::OkStatus();
}

// Depth is bounded by the parser's max_depth, so recursion is safe here.
// `path` names `value`, for duplicate-key errors.
absl::Status ToStructValue(const element& value, google::protobuf::Value* out,
                           const FieldPath& path) {
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

absl::Status FillMessage(const object& obj, Message* message, const FieldPath& path);

// Sets one singular value, or adds one to a repeated field, from JSON.
absl::Status SetValue(const element& value, const FieldDescriptor* field, Message* message,
                      const FieldPath& path) {
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

using FieldsByName = absl::flat_hash_map<absl::string_view, const FieldDescriptor*>;

// The fields of every message reachable from Event.payload, by name, so that
// JSON keys are looked up without building a std::string (which
// Descriptor::FindFieldByName takes). Built once; immutable afterwards, so
// any thread may read it. nullptr for a message outside the schema's payloads.
const FieldsByName* FieldsOf(const Descriptor* descriptor) {
  static const auto* const kTables = [] {
    auto* tables = new absl::flat_hash_map<const Descriptor*, FieldsByName>;
    std::vector<const Descriptor*> pending;
    for (const std::string& type : EventTypes::Known()) {
      pending.push_back(EventTypes::PayloadField(type)->message_type());
    }
    while (!pending.empty()) {
      const Descriptor* message = pending.back();
      pending.pop_back();
      auto [it, inserted] = tables->try_emplace(message);
      if (!inserted) continue;
      for (int i = 0; i < message->field_count(); ++i) {
        const FieldDescriptor* field = message->field(i);
        it->second.emplace(field->name(), field);
        if (field->message_type() != nullptr) pending.push_back(field->message_type());
      }
    }
    return tables;
  }();
  const auto it = kTables->find(descriptor);
  return it == kTables->end() ? nullptr : &it->second;
}

// Fills `message` from the JSON object, one field per key of the same name.
absl::Status FillMessage(const object& obj, Message* message, const FieldPath& path) {
  RETURN_IF_ERROR(CheckNoDuplicateKeys(obj, path));
  const Descriptor* descriptor = message->GetDescriptor();
  const FieldsByName* fields = FieldsOf(descriptor);
  for (auto [key, value] : obj) {
    const FieldDescriptor* field = nullptr;
    if (fields != nullptr) {
      const auto it = fields->find(Sv(key));
      if (it != fields->end()) field = it->second;
    } else {
      field = descriptor->FindFieldByName(std::string(key));
    }
    if (field == nullptr || value.is_null()) continue;  // unknown key, or absent
    const FieldPath field_path(path, Sv(key));
    if (!field->is_repeated()) {
      RETURN_IF_ERROR(SetValue(value, field, message, field_path));
      continue;
    }
    if (value.type() != element_type::ARRAY) return WrongType(field_path, "an array", value);
    size_t index = 0;
    for (element item : simdjson::dom::array(value)) {
      if (!item.is_null()) {
        RETURN_IF_ERROR(SetValue(item, field, message, FieldPath(field_path, index)));
      }
      ++index;
    }
  }
  return absl::OkStatus();
}

// The id of a webhook without a request_id: a name-based UUID (RFC 9562
// version 8) from SHA-256 over the event's deterministic serialization
// without id and received_at. A retried webhook gets the same id, which is
// what de-duplication (and JetStream's Nats-Msg-Id) keys on. Called before
// either is set, so the event is serialized as is rather than copied and
// cleared.
std::string ContentId(const v1::Event& event) {
  assert(event.id().empty() && !event.has_received_at());
  std::string bytes = "switchboard.v1.Event\n";
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    event.ByteSizeLong();  // caches the sizes SerializeWithCachedSizes needs
    event.SerializeWithCachedSizes(&coded);
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
  ASSIGN_OR_RETURN(std::string id, ToString(value, FieldPath("request_id")));
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
  if (root.type() != element_type::OBJECT) {
    return WrongType(FieldPath("body"), "a JSON object", root);
  }
  const object envelope(root);
  RETURN_IF_ERROR(CheckNoDuplicateKeys(envelope, FieldPath("")));

  element event_field, type_field, data, timestamp, request_id;
  const bool has_event = envelope["event"].get(event_field) == simdjson::SUCCESS && !event_field.is_null();
  const bool has_type = envelope["type"].get(type_field) == simdjson::SUCCESS && !type_field.is_null();
  if (!has_event && !has_type) {
    return FieldError("event", "missing event type: expected \"event\" (or \"type\" in the v2.1 envelope)");
  }
  std::string_view type;
  const char* type_key = has_event ? "event" : "type";
  if ((has_event ? event_field : type_field).get_string().get(type) != simdjson::SUCCESS) {
    return WrongType(FieldPath(type_key), "a string", has_event ? event_field : type_field);
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
  if (data.type() != element_type::OBJECT) return WrongType(FieldPath("data"), "an object", data);

  v1::Event event;
  event.set_type(std::string(type));
  if (envelope["request_id"].get(request_id) == simdjson::SUCCESS && !request_id.is_null()) {
    ASSIGN_OR_RETURN(*event.mutable_id(), ParseRequestId(request_id));
  }
  if (envelope["timestamp"].get(timestamp) == simdjson::SUCCESS && !timestamp.is_null()) {
    std::string_view text;
    if (timestamp.get_string().get(text) != simdjson::SUCCESS) {
      return WrongType(FieldPath("timestamp"), "a time string", timestamp);
    }
    ASSIGN_OR_RETURN(absl::Time occurred_at, ParseTime(Sv(text), FieldPath("timestamp")));
    ToTimestamp(occurred_at, event.mutable_occurred_at());
  }

  const FieldPath data_path("data");
  if (const FieldDescriptor* field = EventTypes::PayloadField(Sv(type))) {
    Message* payload = event.GetReflection()->MutableMessage(&event, field);
    RETURN_IF_ERROR(FillMessage(object(data), payload, data_path));
  } else {
    RETURN_IF_ERROR(ToStruct(object(data), event.mutable_other(), data_path));
  }
  if (event.id().empty()) event.set_id(ContentId(event));
  ToTimestamp(received_at, event.mutable_received_at());
  return event;
}

}  // namespace switchboard::gateway
