#ifndef SWITCHBOARD_SERVER_EVENT_FILTER_H_
#define SWITCHBOARD_SERVER_EVENT_FILTER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace switchboard::server {

// A subscriber's event-type filter, parsed once per subscription.
//
// Patterns: an exact type ("call.completed"), a prefix ending in ".*"
// ("call.*" matches "call.completed" and "call.anything.else"), or "*" for
// every type. No patterns at all also means every type.
//
// Exact types and prefixes must name something the schema knows (a known
// type, or a prefix of one), so that a typo such as "call.complete" fails
// loudly instead of matching nothing forever. Types the schema does not know
// yet are still delivered to prefix and "*" subscribers.
//
// Immutable after Parse(); thread-safe.
class EventFilter {
 public:
  // INVALID_ARGUMENT naming the first bad pattern and saying what is valid.
  static absl::StatusOr<EventFilter> Parse(
      const google::protobuf::RepeatedPtrField<std::string>& patterns);

  // An all-types filter.
  EventFilter() = default;

  bool Matches(absl::string_view type) const;
  bool MatchesAll() const { return all_; }

  // The patterns, comma-separated ("*" for every type), for operators.
  std::string Describe() const;

 private:
  bool all_ = true;
  std::vector<std::string> exact_;     // "call.completed"
  std::vector<std::string> prefixes_;  // "call." (pattern "call.*" without the '*')
};

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_EVENT_FILTER_H_
