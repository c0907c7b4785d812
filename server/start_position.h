#ifndef SWITCHBOARD_SERVER_START_POSITION_H_
#define SWITCHBOARD_SERVER_START_POSITION_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "store/event_log.h"
#include "switchboard/v1/consumer_group.pb.h"
#include "switchboard/v1/event_stream.pb.h"

namespace switchboard::server {

// Where a stream (or a new consumer group) starts reading the log.
struct StartPosition {
  uint64_t cursor;         // deliver events after this sequence
  bool explicit_sequence;  // the client named it (errors then say OUT_OF_RANGE)
};

// The start a request asks for: live (unset), after_sequence (0: the
// oldest), received_since, or from_oldest. INVALID_ARGUMENT for a malformed
// start, OUT_OF_RANGE for a sequence ahead of the log, UNAVAILABLE when the
// log cannot be searched. May block on I/O (received_since).
absl::StatusOr<StartPosition> ResolveStart(EventLog& log, const v1::SubscribeRequest& request);
// received_since as a time, or INVALID_ARGUMENT naming it.
absl::StatusOr<absl::Time> ReceivedSinceTime(const google::protobuf::Timestamp& since);
absl::StatusOr<StartPosition> ResolveStart(EventLog& log, const v1::JoinGroup& join);

}  // namespace switchboard::server

#endif  // SWITCHBOARD_SERVER_START_POSITION_H_
