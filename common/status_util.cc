#include "common/status_util.h"

#include "absl/strings/cord.h"
#include "absl/types/optional.h"

namespace switchboard {
namespace {
constexpr absl::string_view kFieldPayloadUrl = "type.switchboard.dev/field";
}  // namespace

absl::Status WithField(absl::Status status, absl::string_view field_path) {
  status.SetPayload(kFieldPayloadUrl, absl::Cord(field_path));
  return status;
}

std::string FieldOf(const absl::Status& status) {
  absl::optional<absl::Cord> field = status.GetPayload(kFieldPayloadUrl);
  return field ? std::string(*field) : std::string();
}

}  // namespace switchboard
