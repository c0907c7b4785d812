#include "gateway/webhook_translator.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/event_types.h"
#include "common/status_macros.h"
#include "common/status_util.h"
#include "common/time_util.h"
#include "gateway/content_id.h"
#include "gateway/field_path.h"
#include "gateway/json_dom.h"
#include "gateway/json_text.h"
#include "gateway/payload_filler.h"
#include "gateway/webhook_time.h"
#include "simdjson.h"

namespace switchboard::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr size_t kMaxIdBytes = 256;

absl::Status FieldError(absl::string_view path, absl::string_view message) {
  return WithField(absl::InvalidArgumentError(absl::StrCat(path, ": ", message)), path);
}

std::string WrongType(absl::string_view expected, const element& got) {
  return absl::StrCat("expected ", expected, ", got ", JsonTypeName(got));
}

absl::Status CheckNoDuplicateKeys(const element& value, const FieldPath& path);

// Rejects objects that repeat a key, at any depth: which value would win is
// ambiguous, and a signature, an id or a reader of `data_json` computed
// elsewhere could disagree with us. Depth is bounded by the parser's
// max_depth, so recursion is safe here.
absl::Status CheckObject(const object& obj, const FieldPath& path) {
  constexpr size_t kLinearScanLimit = 16;  // webhook objects are small
  if (obj.size() <= kLinearScanLimit) {
    for (auto a = obj.begin(); a != obj.end(); ++a) {
      auto b = a;
      for (++b; b != obj.end(); ++b) {
        if (a.key() == b.key()) {
          return FieldError(FieldPath(path, Sv(a.key())).ToString(), "duplicate key");
        }
      }
    }
  } else {
    absl::flat_hash_set<absl::string_view> seen;
    seen.reserve(obj.size());
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      if (!seen.insert(Sv(it.key())).second) {
        return FieldError(FieldPath(path, Sv(it.key())).ToString(), "duplicate key");
      }
    }
  }
  for (auto [key, member] : obj) {
    if (member.type() == element_type::OBJECT || member.type() == element_type::ARRAY) {
      RETURN_IF_ERROR(CheckNoDuplicateKeys(member, FieldPath(path, Sv(key))));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckNoDuplicateKeys(const element& value, const FieldPath& path) {
  if (value.type() == element_type::OBJECT) return CheckObject(object(value), path);
  size_t index = 0;
  for (element item : simdjson::dom::array(value)) {
    if (item.type() == element_type::OBJECT || item.type() == element_type::ARRAY) {
      RETURN_IF_ERROR(CheckNoDuplicateKeys(item, FieldPath(path, index)));
    }
    ++index;
  }
  return absl::OkStatus();
}

// The sender's request_id as an event id, or why it cannot be one.
absl::StatusOr<std::string> ParseRequestId(const element& value) {
  std::string id;
  if (value.type() == element_type::STRING) {
    id = std::string(std::string_view(value));
  } else if (value.type() == element_type::INT64 || value.type() == element_type::UINT64) {
    id = std::string(simdjson::minify(value));
  } else {
    return absl::InvalidArgumentError(WrongType("a string", value));
  }
  if (id.empty() || id.size() > kMaxIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat("must be 1 to ", kMaxIdBytes, " bytes"));
  }
  for (unsigned char c : id) {
    if (c < 0x20 || c == 0x7f) return absl::InvalidArgumentError("must not contain control characters");
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

absl::Status ParseError(simdjson::error_code error, int max_depth) {
  switch (error) {
    case simdjson::DEPTH_ERROR:
      return FieldError("body", absl::StrCat("JSON nested deeper than ", max_depth, " levels"));
    case simdjson::UTF8_ERROR: return FieldError("body", "not valid UTF-8");
    case simdjson::NUMBER_ERROR: return FieldError("body", "malformed JSON: a number is malformed");
    case simdjson::EMPTY: return FieldError("body", "empty body; expected a JSON object");
    default: return FieldError("body", absl::StrCat("malformed JSON: ", simdjson::error_message(error)));
  }
}

// Envelope keys the Event holds in fields of its own.
enum class EnvelopeKey { kType, kData, kRequestId, kTimestamp, kWebhookUrl, kUrlId, kOther };

EnvelopeKey KeyOf(std::string_view key) {
  if (key == "event" || key == "type") return EnvelopeKey::kType;
  if (key == "data") return EnvelopeKey::kData;
  if (key == "request_id") return EnvelopeKey::kRequestId;
  if (key == "timestamp") return EnvelopeKey::kTimestamp;
  if (key == "webhook_url") return EnvelopeKey::kWebhookUrl;
  if (key == "url_id") return EnvelopeKey::kUrlId;
  return EnvelopeKey::kOther;
}

void AddMismatch(absl::string_view path, absl::string_view reason, v1::Event* event) {
  v1::SchemaMismatch* mismatch = event->add_schema_mismatches();
  mismatch->set_path(std::string(path));
  mismatch->set_reason(std::string(reason));
}

// Sets the Event field of one envelope member, or keeps the member in
// `envelope_extras` (with a mismatch when its value does not fit).
void TakeEnvelopeMember(std::string_view key, const element& value, absl::string_view text,
                        v1::Event* event) {
  auto keep = [&] { (*event->mutable_envelope_extras())[std::string(key)] = std::string(text); };
  auto misfit = [&](absl::string_view reason) {
    AddMismatch(Sv(key), reason, event);
    keep();
  };
  const bool is_string = value.type() == element_type::STRING;
  switch (KeyOf(key)) {
    case EnvelopeKey::kType:
      // Held by `type` (both keys must agree); a null beside the other is kept.
      if (value.is_null()) keep();
      return;
    case EnvelopeKey::kData:
      event->set_data_json(std::string(text));
      return;
    case EnvelopeKey::kRequestId: {
      if (value.is_null()) return keep();
      absl::StatusOr<std::string> id = ParseRequestId(value);
      if (!id.ok()) return misfit(id.status().message());
      event->set_id(*std::move(id));
      return;
    }
    case EnvelopeKey::kTimestamp: {
      if (value.is_null() || (is_string && std::string_view(value).empty())) return keep();
      if (!is_string) return misfit(WrongType("a time string", value));
      absl::StatusOr<absl::Time> time = ParseWebhookTime(Sv(std::string_view(value)));
      if (!time.ok()) return misfit(time.status().message());
      ToTimestamp(*time, event->mutable_occurred_at());
      return;
    }
    case EnvelopeKey::kWebhookUrl:
      if (!is_string) return value.is_null() ? keep() : misfit(WrongType("a string", value));
      event->set_webhook_url(std::string(std::string_view(value)));
      return;
    case EnvelopeKey::kUrlId:
      if (is_string) {
        event->set_url_id(std::string(std::string_view(value)));
      } else if (value.type() == element_type::INT64 || value.type() == element_type::UINT64) {
        event->set_url_id(std::string(text));
      } else {
        value.is_null() ? keep() : misfit(WrongType("a string or an integer", value));
      }
      return;
    case EnvelopeKey::kOther:
      return keep();
  }
}

}  // namespace

WebhookTranslator::WebhookTranslator(Options options)
    : options_{std::clamp(options.max_depth, 2, kMaxDepthLimit)} {}

absl::StatusOr<v1::Event> WebhookTranslator::Translate(absl::string_view body,
                                                       absl::Time received_at) const {
  return Translate(body, received_at, [](absl::string_view) { return absl::OkStatus(); });
}

absl::StatusOr<v1::Event> WebhookTranslator::Translate(absl::string_view body, absl::Time received_at,
                                                       CheckType check_type) const {
  simdjson::dom::parser& parser = ThreadParser(options_.max_depth);
  element root;
  simdjson::error_code error = parser.parse(body.data(), body.size()).get(root);
  // simdjson's DOM holds 64-bit numbers only; a larger one is valid JSON all
  // the same: parse a copy where it is a string, and keep its text from `body`.
  std::optional<std::string> quoted;
  if (error == simdjson::NUMBER_ERROR) {
    quoted = QuoteOutOfRangeNumbers(body);
    if (quoted.has_value()) error = parser.parse(quoted->data(), quoted->size()).get(root);
  }
  if (error != simdjson::SUCCESS) return ParseError(error, options_.max_depth);
  if (root.type() != element_type::OBJECT) {
    return FieldError("body", absl::StrCat(WrongType("a JSON object", root)));
  }
  RETURN_IF_ERROR(CheckNoDuplicateKeys(root, FieldPath("")));
  const object envelope(root);

  element event_field, type_field, data;
  const bool has_event = envelope["event"].get(event_field) == simdjson::SUCCESS && !event_field.is_null();
  const bool has_type = envelope["type"].get(type_field) == simdjson::SUCCESS && !type_field.is_null();
  if (!has_event && !has_type) {
    return FieldError("event", "missing event type: expected \"event\" (or \"type\" in the v2.1 envelope)");
  }
  std::string_view type;
  const char* type_key = has_event ? "event" : "type";
  if ((has_event ? event_field : type_field).get_string().get(type) != simdjson::SUCCESS) {
    return FieldError(type_key, WrongType("a string", has_event ? event_field : type_field));
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
  if (data.type() != element_type::OBJECT) {
    return FieldError("data", WrongType("an object", data));
  }
  RETURN_IF_ERROR(check_type(Sv(type)));

  v1::Event event;
  event.set_type(std::string(type));
  // The members' text as sent, in the order simdjson iterates them.
  const std::vector<absl::string_view> texts = ObjectMemberValues(body);
  size_t index = 0;
  for (auto [key, value] : envelope) {
    // The texts always line up with the members of a body simdjson accepted;
    // should they not, the value's minified text is the next best thing.
    const std::string minified = texts.size() == envelope.size() ? "" : simdjson::minify(value);
    TakeEnvelopeMember(key, value, texts.size() == envelope.size() ? texts[index] : minified, &event);
    ++index;
  }

  if (const FieldDescriptor* field = EventTypes::PayloadField(Sv(type))) {
    Message* payload = event.GetReflection()->MutableMessage(&event, field);
    FillPayload(object(data), FieldPath("data"), payload, event.mutable_schema_mismatches());
  } else {
    FillStruct(object(data), event.mutable_other());
  }
  if (event.id().empty()) event.set_id(ContentId(root, quoted.has_value() ? body : ""));
  ToTimestamp(received_at, event.mutable_received_at());
  return event;
}

}  // namespace switchboard::gateway
