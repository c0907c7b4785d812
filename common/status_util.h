#ifndef SWITCHBOARD_COMMON_STATUS_UTIL_H_
#define SWITCHBOARD_COMMON_STATUS_UTIL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace switchboard {

// Attaches the path of the offending input field (e.g. "data.duration") to an
// error, so that each edge (HTTP, gRPC) can report it in its own form.
absl::Status WithField(absl::Status status, absl::string_view field_path);

// The field path attached by WithField(), or "" when there is none.
std::string FieldOf(const absl::Status& status);

}  // namespace switchboard

#endif  // SWITCHBOARD_COMMON_STATUS_UTIL_H_
