#include "server/event_stream_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/time_util.h"
#include "server/event_filter.h"
#include "server/subscribe_reactor.h"

namespace switchboard::server {
namespace {

// A stream rejected before it started: finishes at once with `status`.
class RejectedReactor : public grpc::ServerWriteReactor<v1::Event> {
 public:
  explicit RejectedReactor(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

// google.protobuf.Timestamp's range: 0001-01-01 to 9999-12-31.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

grpc::Status ToGrpcStatus(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace

EventStreamService::EventStreamService(EventLog* log, FanoutDispatcher* dispatcher,
                                       ServiceMetrics* metrics, Options options)
    : log_(log),
      dispatcher_(dispatcher),
      metrics_(metrics),
      options_(options),
      slots_(options.max_subscribers, options.max_subscribers_per_token) {}

void EventStreamService::Shutdown() {
  shutting_down_ = true;
  dispatcher_->ForEach([](FanoutListener* listener) {
    static_cast<SubscribeReactor*>(listener)->End(grpc::Status(
        grpc::StatusCode::UNAVAILABLE,
        "server shutting down; reconnect with after_sequence set to the last sequence you "
        "processed"));
  });
}

absl::StatusOr<EventStreamService::StartPosition> EventStreamService::StartOf(
    const v1::SubscribeRequest& request) {
  const uint64_t last = log_->LastSequence();
  switch (request.start_case()) {
    case v1::SubscribeRequest::START_NOT_SET:
      return StartPosition{last, false};  // live tail only
    case v1::SubscribeRequest::kFromOldest:
      if (!request.from_oldest()) {
        return absl::InvalidArgumentError(
            "from_oldest must be true when set; leave `start` unset for the live tail");
      }
      return StartPosition{log_->FirstSequence() - 1, false};
    case v1::SubscribeRequest::kReceivedSince: {
      const google::protobuf::Timestamp& since = request.received_since();
      if (since.nanos() < 0 || since.nanos() > 999999999 || since.seconds() < kMinSeconds ||
          since.seconds() > kMaxSeconds) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "received_since is not a valid timestamp (seconds %d, nanos %d)", since.seconds(),
            since.nanos()));
      }
      absl::StatusOr<uint64_t> first = log_->FirstSequenceReceivedSince(FromTimestamp(since));
      if (!first.ok()) return absl::UnavailableError(first.status().message());
      return StartPosition{*first - 1, false};
    }
    case v1::SubscribeRequest::kAfterSequence: {
      const uint64_t after = request.after_sequence();
      if (after > last) {
        return absl::OutOfRangeError(absl::StrFormat(
            "after_sequence %d is ahead of the newest stored sequence %d (was the log reset?); "
            "resubscribe with after_sequence between %d and %d",
            after, last, log_->FirstSequence() - 1, last));
      }
      // after_sequence 0 means "from the oldest retained event".
      if (after == 0) return StartPosition{log_->FirstSequence() - 1, false};
      return StartPosition{after, true};
    }
  }
  return absl::InvalidArgumentError("unknown start option");
}

grpc::ServerWriteReactor<v1::Event>* EventStreamService::Subscribe(
    grpc::CallbackServerContext* context, const v1::SubscribeRequest* request) {
  if (shutting_down_) {
    return new RejectedReactor(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                            "server shutting down; connect to another instance"));
  }
  if (request->event_types_size() > static_cast<int>(options_.max_patterns)) {
    return new RejectedReactor(grpc::Status(
        grpc::StatusCode::INVALID_ARGUMENT,
        absl::StrFormat("%d event_types patterns; at most %d per subscription (use prefixes "
                        "such as \"call.*\")",
                        request->event_types_size(), options_.max_patterns)));
  }
  std::string holder;  // who subscribes, for the per-token limit
  google::protobuf::RepeatedPtrField<std::string> patterns = request->event_types();
  if (options_.auth != nullptr) {
    absl::string_view authorization;
    const auto& metadata = context->client_metadata();
    if (auto it = metadata.find("authorization"); it != metadata.end()) {
      authorization = absl::string_view(it->second.data(), it->second.size());
    }
    absl::StatusOr<const Grant*> grant = options_.auth->Authenticate(authorization);
    if (!grant.ok()) return new RejectedReactor(ToGrpcStatus(grant.status()));
    absl::StatusOr<google::protobuf::RepeatedPtrField<std::string>> allowed =
        SubscriberAuth::Authorize(**grant, patterns);
    if (!allowed.ok()) return new RejectedReactor(ToGrpcStatus(allowed.status()));
    patterns = *std::move(allowed);
    holder = (*grant)->name;
  }
  absl::StatusOr<EventFilter> filter = EventFilter::Parse(patterns);
  if (!filter.ok()) return new RejectedReactor(ToGrpcStatus(filter.status()));

  absl::StatusOr<StartPosition> start = StartOf(*request);
  if (!start.ok()) return new RejectedReactor(ToGrpcStatus(start.status()));
  absl::StatusOr<std::unique_ptr<SubscriberSlots::Slot>> slot = slots_.Acquire(holder);
  if (!slot.ok()) return new RejectedReactor(ToGrpcStatus(slot.status()));
  std::string name = absl::StrCat(holder.empty() ? "" : holder + "@", context->peer(), "/",
                                  ++streams_started_);
  auto* reactor = new SubscribeReactor(log_, dispatcher_, *std::move(filter), start->cursor,
                                       start->explicit_sequence, std::move(name),
                                       &metrics_->streams_ended, *std::move(slot));
  reactor->Start();
  return reactor;
}

}  // namespace switchboard::server
