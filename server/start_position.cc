#include "server/start_position.h"

#include "absl/strings/str_format.h"
#include "common/time_util.h"

namespace switchboard::server {
namespace {

// google.protobuf.Timestamp's range: 0001-01-01 to 9999-12-31.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

}  // namespace

absl::StatusOr<absl::Time> ReceivedSinceTime(const google::protobuf::Timestamp& since) {
  if (since.nanos() < 0 || since.nanos() > 999999999 || since.seconds() < kMinSeconds ||
      since.seconds() > kMaxSeconds) {
    return absl::InvalidArgumentError(
        absl::StrFormat("received_since is not a valid timestamp (seconds %d, nanos %d)",
                        since.seconds(), since.nanos()));
  }
  return FromTimestamp(since);
}

absl::StatusOr<StartPosition> ResolveStart(EventLog& log, const v1::SubscribeRequest& request) {
  const uint64_t last = log.LastSequence();
  switch (request.start_case()) {
    case v1::SubscribeRequest::START_NOT_SET:
      return StartPosition{last, false};  // live tail only
    case v1::SubscribeRequest::kFromOldest:
      if (!request.from_oldest()) {
        return absl::InvalidArgumentError(
            "from_oldest must be true when set; leave `start` unset for the live tail");
      }
      return StartPosition{log.FirstSequence() - 1, false};
    case v1::SubscribeRequest::kReceivedSince: {
      absl::StatusOr<absl::Time> since = ReceivedSinceTime(request.received_since());
      if (!since.ok()) return since.status();
      absl::StatusOr<uint64_t> first = log.FirstSequenceReceivedSince(*since);
      if (!first.ok()) return absl::UnavailableError(first.status().message());
      return StartPosition{*first - 1, false};
    }
    case v1::SubscribeRequest::kAfterSequence: {
      const uint64_t after = request.after_sequence();
      if (after > last) {
        return absl::OutOfRangeError(absl::StrFormat(
            "after_sequence %d is ahead of the newest stored sequence %d (was the log reset?); "
            "resubscribe with after_sequence between %d and %d",
            after, last, log.FirstSequence() - 1, last));
      }
      // after_sequence 0 means "from the oldest retained event".
      if (after == 0) return StartPosition{log.FirstSequence() - 1, false};
      return StartPosition{after, true};
    }
  }
  return absl::InvalidArgumentError("unknown start option");
}

absl::StatusOr<StartPosition> ResolveStart(EventLog& log, const v1::JoinGroup& join) {
  v1::SubscribeRequest request;
  switch (join.start_case()) {
    case v1::JoinGroup::START_NOT_SET: break;
    case v1::JoinGroup::kAfterSequence: request.set_after_sequence(join.after_sequence()); break;
    case v1::JoinGroup::kReceivedSince: *request.mutable_received_since() = join.received_since(); break;
    case v1::JoinGroup::kFromOldest: request.set_from_oldest(join.from_oldest()); break;
  }
  return ResolveStart(log, request);
}

}  // namespace switchboard::server
