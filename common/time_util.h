#ifndef SWITCHBOARD_COMMON_TIME_UTIL_H_
#define SWITCHBOARD_COMMON_TIME_UTIL_H_

#include "absl/time/time.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace switchboard {

// Conversions between absl::Time and google.protobuf.Timestamp (whose range,
// years 1 to 9999, callers check before converting).
void ToTimestamp(absl::Time time, google::protobuf::Timestamp* out);
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

// Conversions between absl::Duration and google.protobuf.Duration (finite
// durations; callers check the proto's range when it comes from a client).
void ToDuration(absl::Duration duration, google::protobuf::Duration* out);
absl::Duration FromDuration(const google::protobuf::Duration& duration);

// Raises `*time` to `floor` when it is earlier: the event log keeps
// received_at non-decreasing in sequence order.
void ClampReceivedAt(const google::protobuf::Timestamp& floor, google::protobuf::Timestamp* time);

}  // namespace switchboard

#endif  // SWITCHBOARD_COMMON_TIME_UTIL_H_
