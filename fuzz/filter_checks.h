// Checks on EventFilter shared by the fuzz targets that parse type patterns
// from untrusted input (grpc_request_fuzzer, tail_command_fuzzer).

#ifndef SWITCHBOARD_FUZZ_FILTER_CHECKS_H_
#define SWITCHBOARD_FUZZ_FILTER_CHECKS_H_

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/event_types.h"
#include "server/event_filter.h"

namespace switchboard::fuzz {

// Types to match filters against: the schema's, and some it does not know.
inline const std::vector<std::string>& ProbeTypes() {
  static const auto* types = [] {
    auto* all = new std::vector<std::string>(EventTypes::Known());
    for (const char* unknown : {"call.brand_new", "call", "calls.x", "zzz", "", "*", "sms.*"}) {
      all->push_back(unknown);
    }
    return all;
  }();
  return *types;
}

// Aborts unless `filter` describes itself as patterns that parse back to a
// filter matching the same types.
inline void CheckDescribesItself(const server::EventFilter& filter) {
  google::protobuf::RepeatedPtrField<std::string> described;
  for (absl::string_view pattern : absl::StrSplit(filter.Describe(), ',')) {
    described.Add(std::string(pattern));
  }
  absl::StatusOr<server::EventFilter> again = server::EventFilter::Parse(described);
  if (!again.ok()) std::abort();
  for (const std::string& type : ProbeTypes()) {
    if (filter.Matches(type) != again->Matches(type)) std::abort();
  }
}

}  // namespace switchboard::fuzz

#endif  // SWITCHBOARD_FUZZ_FILTER_CHECKS_H_
