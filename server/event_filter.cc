#include "server/event_filter.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/event_types.h"

namespace switchboard::server {
namespace {

absl::Status BadPattern(absl::string_view pattern, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "bad event type pattern \"", absl::CHexEscape(pattern.substr(0, 140)), "\": ", why,
      ". Use an exact type (e.g. \"call.completed\"), a prefix (e.g. \"call.*\") or \"*\"; "
      "known types: ", absl::StrJoin(EventTypes::Known(), ", ")));
}

bool KnownTypeHasPrefix(absl::string_view prefix) {
  const auto& known = EventTypes::Known();
  return std::any_of(known.begin(), known.end(),
                     [prefix](const std::string& type) { return absl::StartsWith(type, prefix); });
}

}  // namespace

absl::StatusOr<EventFilter> EventFilter::Parse(
    const google::protobuf::RepeatedPtrField<std::string>& patterns) {
  EventFilter filter;
  filter.all_ = patterns.empty();
  for (const std::string& pattern : patterns) {
    if (pattern == "*") {
      filter.all_ = true;
      continue;
    }
    if (absl::EndsWith(pattern, ".*")) {
      const absl::string_view stem = absl::string_view(pattern).substr(0, pattern.size() - 2);
      if (!IsValidEventType(stem)) {
        return BadPattern(pattern, "the part before \".*\" is not a valid type prefix");
      }
      std::string prefix = absl::StrCat(stem, ".");
      if (!KnownTypeHasPrefix(prefix)) {
        return BadPattern(pattern, "no known event type starts with it");
      }
      filter.prefixes_.push_back(std::move(prefix));
      continue;
    }
    if (!IsValidEventType(pattern)) {
      return BadPattern(pattern, "'*' may only stand alone or as a whole last segment, and types "
                                 "are dot-separated letters, digits, '_' and '-'");
    }
    if (EventTypes::PayloadField(pattern) == nullptr) {
      return BadPattern(pattern, "unknown event type (to also receive types added later, "
                                 "subscribe to a prefix such as \"call.*\")");
    }
    filter.exact_.push_back(pattern);
  }
  return filter;
}

bool EventFilter::Matches(absl::string_view type) const {
  if (all_) return true;
  for (const std::string& exact : exact_) {
    if (type == exact) return true;
  }
  for (const std::string& prefix : prefixes_) {
    if (absl::StartsWith(type, prefix)) return true;
  }
  return false;
}

std::string EventFilter::Describe() const {
  if (all_) return "*";
  std::vector<std::string> patterns = exact_;
  for (const std::string& prefix : prefixes_) patterns.push_back(prefix + "*");
  return absl::StrJoin(patterns, ",");
}

}  // namespace switchboard::server
