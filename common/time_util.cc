#include "common/time_util.h"

#include <cstdint>
#include <tuple>

namespace switchboard {

void ToTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>((time - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

void ClampReceivedAt(const google::protobuf::Timestamp& floor, google::protobuf::Timestamp* time) {
  if (std::make_tuple(time->seconds(), time->nanos()) <
      std::make_tuple(floor.seconds(), floor.nanos())) {
    *time = floor;
  }
}

}  // namespace switchboard
