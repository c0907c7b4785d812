#ifndef SWITCHBOARD_GATEWAY_JSON_DOM_H_
#define SWITCHBOARD_GATEWAY_JSON_DOM_H_

#include <string_view>

#include "absl/strings/string_view.h"
#include "simdjson.h"

namespace switchboard::gateway {

// Small pieces shared by the code that reads webhooks through simdjson's DOM.

// simdjson speaks std::string_view; Debian's Abseil has its own string_view.
inline absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// What kind of JSON value `value` is, for error messages: "an array",
// "an integer", "null", ...
inline const char* JsonTypeName(const simdjson::dom::element& value) {
  using simdjson::dom::element_type;
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

}  // namespace switchboard::gateway

#endif  // SWITCHBOARD_GATEWAY_JSON_DOM_H_
