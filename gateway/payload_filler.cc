#include "gateway/payload_filler.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/event_types.h"
#include "common/time_util.h"
#include "gateway/json_dom.h"
#include "gateway/webhook_time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "switchboard/v1/options.pb.h"

namespace switchboard::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

absl::Status WrongType(absl::string_view expected, const element& got) {
  return absl::InvalidArgumentError(absl::StrCat("expected ", expected, ", got ", JsonTypeName(got)));
}

// Reads an integer from a JSON integer, an integral number, or a decimal
// string, range-checked into T.
template <typename T>
absl::StatusOr<T> ToInteger(const element& value) {
  constexpr auto kMin = std::numeric_limits<T>::min();
  constexpr auto kMax = std::numeric_limits<T>::max();
  auto out_of_range = [&]() {
    return absl::InvalidArgumentError(absl::StrCat("integer out of range [", kMin, ", ", kMax, "]"));
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
      if (std::trunc(v) != v) return absl::InvalidArgumentError("expected an integer, got a fraction");
      // Compare against the bounds as doubles: 2^63 is exact, kMax may round up.
      if (v < static_cast<double>(kMin) || v >= static_cast<double>(kMax)) return out_of_range();
      // Beyond 2^53 a number written with a fraction or exponent may already
      // have been rounded; leave it to data_json rather than type a different id.
      if (std::fabs(v) > 9007199254740992.0) {
        return absl::InvalidArgumentError(
            "integer too large to be exact when written with a fraction or exponent");
      }
      return static_cast<T>(v);
    }
    case element_type::STRING: {
      // Also the integers beyond 64 bits that json_text.h quoted.
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
  if (value.type() == element_type::STRING) {
    const std::string_view text = std::string_view(value);
    if (!text.empty() && text.find_first_not_of("-0123456789") == std::string_view::npos) {
      return out_of_range();
    }
  }
  return WrongType("an integer", value);
}

// A string field takes a JSON string, or an integer rendered in decimal
// (some JustCall ids are numbers in one API version and strings in another).
absl::StatusOr<std::string> ToString(const element& value) {
  switch (value.type()) {
    case element_type::STRING: return std::string(std::string_view(value));
    case element_type::INT64: return absl::StrCat(int64_t(value));
    case element_type::UINT64: return absl::StrCat(uint64_t(value));
    default: return WrongType("a string", value);
  }
}

void ToStructValue(const element& value, google::protobuf::Value* out) {
  switch (value.type()) {
    case element_type::ARRAY:
      out->mutable_list_value();  // an empty array stays a list
      for (element item : simdjson::dom::array(value)) {
        ToStructValue(item, out->mutable_list_value()->add_values());
      }
      break;
    case element_type::OBJECT:
      FillStruct(object(value), out->mutable_struct_value());
      break;
    case element_type::INT64: out->set_number_value(static_cast<double>(int64_t(value))); break;
    case element_type::UINT64: out->set_number_value(static_cast<double>(uint64_t(value))); break;
    case element_type::DOUBLE: out->set_number_value(double(value)); break;
    case element_type::STRING: out->set_string_value(std::string(std::string_view(value))); break;
    case element_type::BOOL: out->set_bool_value(bool(value)); break;
    case element_type::NULL_VALUE: out->set_null_value(google::protobuf::NULL_VALUE); break;
  }
}

// Where a JSON key lands in a message: `field` of the message itself
// (`inline_field` null), or `field` of the inline message `inline_field`.
struct Target {
  const FieldDescriptor* inline_field;
  const FieldDescriptor* field;
};

struct MessageTable {
  absl::flat_hash_map<absl::string_view, absl::InlinedVector<Target, 2>> by_key;
  // Timestamp fields derived from two string fields of the same message.
  struct Derived {
    const FieldDescriptor* time;
    const FieldDescriptor* date_source;
    const FieldDescriptor* time_source;
  };
  std::vector<Derived> derived;
  std::vector<const FieldDescriptor*> inline_fields;
};

bool IsInline(const FieldDescriptor* field) {
  return field->message_type() != nullptr && !field->is_repeated() &&
         field->options().GetExtension(v1::json_inline);
}

// The tables of every message reachable from Event.payload, built once from
// the schema; immutable afterwards, so any thread may read them. JSON keys
// are looked up without building a std::string (which
// Descriptor::FindFieldByName takes). nullptr for a message outside the
// payloads.
const MessageTable* TableOf(const Descriptor* descriptor) {
  static const auto* const kTables = [] {
    auto* tables = new absl::flat_hash_map<const Descriptor*, MessageTable>;
    std::vector<const Descriptor*> pending;
    for (const std::string& type : EventTypes::Known()) {
      pending.push_back(EventTypes::PayloadField(type)->message_type());
    }
    while (!pending.empty()) {
      const Descriptor* message = pending.back();
      pending.pop_back();
      auto [it, inserted] = tables->try_emplace(message);
      if (!inserted) continue;
      MessageTable& table = it->second;
      auto add_fields = [&](const Descriptor* fields_of, const FieldDescriptor* inline_field) {
        for (int i = 0; i < fields_of->field_count(); ++i) {
          const FieldDescriptor* field = fields_of->field(i);
          if (field->message_type() != nullptr) pending.push_back(field->message_type());
          if (inline_field == nullptr && IsInline(field)) {
            table.inline_fields.push_back(field);
            continue;
          }
          const std::string& from = field->options().GetExtension(v1::utc_date_time_from);
          if (!from.empty()) {
            if (inline_field != nullptr) continue;  // the inline message derives its own
            const std::vector<std::string> sources = absl::StrSplit(from, ' ');
            const FieldDescriptor* date = sources.size() == 2 ? fields_of->FindFieldByName(sources[0]) : nullptr;
            const FieldDescriptor* time = sources.size() == 2 ? fields_of->FindFieldByName(sources[1]) : nullptr;
            if (date != nullptr && time != nullptr) table.derived.push_back({field, date, time});
            continue;
          }
          table.by_key[field->name()].push_back({inline_field, field});
        }
      };
      add_fields(message, nullptr);
      for (const FieldDescriptor* inline_field : table.inline_fields) {
        add_fields(inline_field->message_type(), inline_field);
      }
    }
    return tables;
  }();
  const auto it = kTables->find(descriptor);
  return it == kTables->end() ? nullptr : &it->second;
}

void AddMismatch(const FieldPath& path, const absl::Status& why,
                 google::protobuf::RepeatedPtrField<v1::SchemaMismatch>* mismatches) {
  v1::SchemaMismatch* mismatch = mismatches->Add();
  mismatch->set_path(path.ToString());
  mismatch->set_reason(std::string(why.message()));
}

void FillMessage(const object& obj, const FieldPath& path, Message* message,
                 google::protobuf::RepeatedPtrField<v1::SchemaMismatch>* mismatches);

// Sets one singular value, or adds one to a repeated field, from JSON; the
// reason when the value does not fit (nothing is set then).
absl::Status SetValue(const element& value, const FieldDescriptor* field, const FieldPath& path,
                      Message* message,
                      google::protobuf::RepeatedPtrField<v1::SchemaMismatch>* mismatches) {
  const Reflection* r = message->GetReflection();
  const bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      absl::StatusOr<std::string> v = ToString(value);
      if (!v.ok()) return v.status();
      repeated ? r->AddString(message, field, *std::move(v)) : r->SetString(message, field, *std::move(v));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      absl::StatusOr<int64_t> v = ToInteger<int64_t>(value);
      if (!v.ok()) return v.status();
      repeated ? r->AddInt64(message, field, *v) : r->SetInt64(message, field, *v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      absl::StatusOr<int32_t> v = ToInteger<int32_t>(value);
      if (!v.ok()) return v.status();
      repeated ? r->AddInt32(message, field, *v) : r->SetInt32(message, field, *v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      absl::StatusOr<uint64_t> v = ToInteger<uint64_t>(value);
      if (!v.ok()) return v.status();
      repeated ? r->AddUInt64(message, field, *v) : r->SetUInt64(message, field, *v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      absl::StatusOr<uint32_t> v = ToInteger<uint32_t>(value);
      if (!v.ok()) return v.status();
      repeated ? r->AddUInt32(message, field, *v) : r->SetUInt32(message, field, *v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      if (value.type() != element_type::BOOL) return WrongType("a boolean", value);
      repeated ? r->AddBool(message, field, bool(value)) : r->SetBool(message, field, bool(value));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v;
      if (value.type() == element_type::STRING) {
        // A decimal string, as JustCall sends some amounts.
        if (!absl::SimpleAtod(Sv(std::string_view(value)), &v) || !std::isfinite(v)) {
          return absl::InvalidArgumentError("expected a number, got a string that is not one");
        }
      } else if (value.get_double().get(v) != simdjson::SUCCESS) {
        return WrongType("a number", value);
      }
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        repeated ? r->AddDouble(message, field, v) : r->SetDouble(message, field, v);
      } else {
        repeated ? r->AddFloat(message, field, float(v)) : r->SetFloat(message, field, float(v));
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      std::string_view name;
      if (value.get_string().get(name) != simdjson::SUCCESS) return WrongType("a string", value);
      const auto* enum_value = field->enum_type()->FindValueByName(std::string(name));
      if (enum_value == nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("unknown value \"", absl::CHexEscape(Sv(name.substr(0, 64))), "\""));
      }
      repeated ? r->AddEnum(message, field, enum_value) : r->SetEnum(message, field, enum_value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Descriptor* type = field->message_type();
      if (type == google::protobuf::Timestamp::descriptor()) {
        std::string_view text;
        if (value.get_string().get(text) != simdjson::SUCCESS) return WrongType("a time string", value);
        absl::StatusOr<absl::Time> time = ParseWebhookTime(Sv(text));
        if (!time.ok()) return time.status();
        Message* child = repeated ? r->AddMessage(message, field) : r->MutableMessage(message, field);
        ToTimestamp(*time, static_cast<google::protobuf::Timestamp*>(child));
        return absl::OkStatus();
      }
      if (value.type() != element_type::OBJECT) return WrongType("an object", value);
      Message* child = repeated ? r->AddMessage(message, field) : r->MutableMessage(message, field);
      if (type == google::protobuf::Struct::descriptor()) {
        FillStruct(object(value), static_cast<google::protobuf::Struct*>(child));
      } else {
        FillMessage(object(value), path, child, mismatches);
      }
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError("unsupported field type");
}

// JSON null, and "" for a field that does not hold text: no value. JustCall
// sends "" for unset numbers, times and objects alike.
bool IsNoValue(const element& value, const FieldDescriptor* field) {
  if (value.is_null()) return true;
  return value.type() == element_type::STRING && field->cpp_type() != FieldDescriptor::CPPTYPE_STRING &&
         std::string_view(value).empty();
}

// Fills `field` of `message` from `value`, reporting what does not fit.
void FillField(const element& value, const FieldDescriptor* field, const FieldPath& path,
               Message* message, google::protobuf::RepeatedPtrField<v1::SchemaMismatch>* mismatches) {
  if (IsNoValue(value, field)) return;
  if (!field->is_repeated()) {
    if (absl::Status fit = SetValue(value, field, path, message, mismatches); !fit.ok()) {
      AddMismatch(path, fit, mismatches);
    }
    return;
  }
  if (value.type() != element_type::ARRAY) {
    return AddMismatch(path, WrongType("an array", value), mismatches);
  }
  size_t index = 0;
  for (element item : simdjson::dom::array(value)) {
    const FieldPath item_path(path, index++);
    if (IsNoValue(item, field)) continue;
    if (absl::Status fit = SetValue(item, field, item_path, message, mismatches); !fit.ok()) {
      message->GetReflection()->ClearField(message, field);
      return AddMismatch(item_path, fit, mismatches);
    }
  }
}

// "YYYY-MM-DD" and "HH:MM:SS" as one UTC time.
void Derive(const MessageTable::Derived& derived, const FieldPath& path, Message* message,
            google::protobuf::RepeatedPtrField<v1::SchemaMismatch>* mismatches) {
  const Reflection* r = message->GetReflection();
  if (!r->HasField(*message, derived.date_source) || !r->HasField(*message, derived.time_source)) {
    return;
  }
  const absl::StatusOr<absl::Time> time =
      ParseWebhookTime(absl::StrCat(r->GetString(*message, derived.date_source), " ",
                                    r->GetString(*message, derived.time_source)));
  if (!time.ok()) {
    const FieldPath date_path(path, derived.date_source->name());
    return AddMismatch(date_path,
                       absl::InvalidArgumentError(absl::StrCat(
                           derived.date_source->name(), " and ", derived.time_source->name(),
                           " do not read as a UTC date (\"YYYY-MM-DD\") and time (\"HH:MM:SS\"), so ",
                           derived.time->name(), " is absent")),
                       mismatches);
  }
  ToTimestamp(*time, static_cast<google::protobuf::Timestamp*>(r->MutableMessage(message, derived.time)));
}

void FillMessage(const object& obj, const FieldPath& path, Message* message,
                 google::protobuf::RepeatedPtrField<v1::SchemaMismatch>* mismatches) {
  const MessageTable* table = TableOf(message->GetDescriptor());
  if (table == nullptr) return;  // not a payload message: nothing to fill
  const Reflection* r = message->GetReflection();
  for (auto [key, value] : obj) {
    const auto it = table->by_key.find(Sv(key));
    if (it == table->by_key.end()) continue;  // kept in data_json only
    const FieldPath field_path(path, Sv(key));
    const int before = mismatches->size();
    for (const Target& target : it->second) {
      if (IsNoValue(value, target.field)) continue;  // creates no inline message
      FillField(value, target.field, field_path,
                target.inline_field == nullptr ? message : r->MutableMessage(message, target.inline_field),
                mismatches);
    }
    // A key that fills a field and an inline one: each mismatch is reported once.
    for (int i = mismatches->size() - 1; i > before; --i) {
      for (int j = before; j < i; ++j) {
        if (mismatches->Get(j).path() == mismatches->Get(i).path()) {
          mismatches->DeleteSubrange(i, 1);
          break;
        }
      }
    }
  }
  for (const MessageTable::Derived& derived : table->derived) Derive(derived, path, message, mismatches);
  for (const FieldDescriptor* inline_field : table->inline_fields) {
    if (!r->HasField(*message, inline_field)) continue;
    Message* child = r->MutableMessage(message, inline_field);
    const MessageTable* child_table = TableOf(child->GetDescriptor());
    if (child_table == nullptr) continue;
    for (const MessageTable::Derived& derived : child_table->derived) {
      Derive(derived, path, child, mismatches);
    }
  }
}

}  // namespace

void FillPayload(const object& obj, const FieldPath& path, Message* message,
                 google::protobuf::RepeatedPtrField<v1::SchemaMismatch>* mismatches) {
  FillMessage(obj, path, message, mismatches);
}

void FillStruct(const object& obj, google::protobuf::Struct* out) {
  auto* fields = out->mutable_fields();
  for (auto [key, value] : obj) ToStructValue(value, &(*fields)[std::string(key)]);
}

std::string MismatchPattern(absl::string_view path) {
  std::string pattern;
  pattern.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    pattern.push_back(path[i]);
    if (path[i] != '[') continue;
    size_t end = i + 1;
    while (end < path.size() && absl::ascii_isdigit(path[end])) ++end;
    if (end > i + 1 && end < path.size() && path[end] == ']') i = end - 1;
  }
  return pattern;
}

}  // namespace switchboard::gateway
