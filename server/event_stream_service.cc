#include "server/event_stream_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
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

grpc::Status ToGrpcStatus(const absl::Status& status) {
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

}  // namespace

EventStreamService::EventStreamService(EventLog* log, FanoutDispatcher* dispatcher)
    : log_(log), dispatcher_(dispatcher) {}

void EventStreamService::Shutdown() {
  shutting_down_ = true;
  dispatcher_->ForEach([](FanoutListener* listener) {
    static_cast<SubscribeReactor*>(listener)->End(grpc::Status(
        grpc::StatusCode::UNAVAILABLE,
        "server shutting down; reconnect with after_sequence set to the last sequence you "
        "processed"));
  });
}

grpc::ServerWriteReactor<v1::Event>* EventStreamService::Subscribe(
    grpc::CallbackServerContext* context, const v1::SubscribeRequest* request) {
  if (shutting_down_) {
    return new RejectedReactor(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                            "server shutting down; connect to another instance"));
  }
  absl::StatusOr<EventFilter> filter = EventFilter::Parse(request->event_types());
  if (!filter.ok()) return new RejectedReactor(ToGrpcStatus(filter.status()));

  const uint64_t last = log_->LastSequence();
  uint64_t cursor = last;  // live tail only
  const bool start_requested = request->has_after_sequence();
  if (start_requested) {
    cursor = request->after_sequence();
    if (cursor > last) {
      return new RejectedReactor(grpc::Status(
          grpc::StatusCode::OUT_OF_RANGE,
          absl::StrFormat("after_sequence %d is ahead of the newest stored sequence %d (was the "
                          "log reset?); resubscribe with after_sequence between %d and %d",
                          cursor, last, log_->FirstSequence() - 1, last)));
    }
    // after_sequence 0 means "from the oldest retained event".
    if (cursor == 0) cursor = log_->FirstSequence() - 1;
  }
  auto* reactor = new SubscribeReactor(log_, dispatcher_, *std::move(filter), cursor,
                                       start_requested && request->after_sequence() != 0);
  reactor->Start();
  return reactor;
}

}  // namespace switchboard::server
